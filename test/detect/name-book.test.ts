import {test} from 'node:test';
import assert from 'node:assert/strict';
import {NameBook} from '../../source/detect/name-book.js';
import {PoolList} from '../../source/detect/pool-list.js';

test('a name is sanitized and matched once, then found again', () => {
	const book = new NameBook(PoolList.builtin());
	const pool = book.nameOf('Pool.SupportXMR.com');
	assert.equal(pool.display, 'Pool.SupportXMR.com');
	assert.deepEqual(pool.match, {kind: 'pool', entry: 'supportxmr.com'});
	assert.equal(book.nameOf('Pool.SupportXMR.com'), pool);
	assert.equal(book.nameOf('seed.bitcoin.sipa.be').match?.kind, 'seed');
	const hostile = book.nameOf('evil\u001b]0;x\u0007.example');
	assert.equal(hostile.display, 'evil\\x1b]0;x\\x07.example');
	assert.equal(hostile.match, undefined);
});
