import {test} from 'node:test';
import assert from 'node:assert/strict';
import {NameBook, type NameEncoding} from '../../source/detect/name-book.js';
import {PoolList} from '../../source/detect/pool-list.js';

function nameOf(book: NameBook, bytes: number[], encoding: NameEncoding) {
	// Padded on both sides, as a name sits inside a packet.
	const packet = Uint8Array.from([0xff, ...bytes, 0xff]);
	return book.nameIn(packet, 1, packet.length - 1, encoding);
}

const ascii = (text: string): number[] => Array.from(text, (character) => character.charCodeAt(0));

test('a name is sanitized and matched once, then found again by its bytes', () => {
	const book = new NameBook(PoolList.builtin());
	const pool = nameOf(book, ascii('Pool.SupportXMR.com'), 'utf-8');
	assert.equal(pool.display, 'Pool.SupportXMR.com');
	assert.deepEqual(pool.match, {kind: 'pool', entry: 'supportxmr.com', service: 'mining pool'});
	assert.equal(nameOf(book, ascii('Pool.SupportXMR.com'), 'utf-8'), pool);
	assert.equal(nameOf(book, ascii('seed.bitcoin.sipa.be'), 'latin1').match?.kind, 'seed');
	const hostile = nameOf(book, ascii('evil\u001b]0;x\u0007.example'), 'latin1');
	assert.equal(hostile.display, 'evil\\x1b]0;x\\x07.example');
	assert.equal(hostile.match, undefined);
});

test('the same bytes are read per encoding: UTF-8 for SNI, latin1 (not windows-1252) for DNS', () => {
	const book = new NameBook(PoolList.builtin());
	const bytes = [0x63, 0x61, 0x66, 0xc3, 0xa9, 0x80, 0x2e, 0x6f, 0x72, 0x67];
	assert.equal(nameOf(book, bytes, 'utf-8').display, 'café\uFFFD.org');
	assert.equal(nameOf(book, bytes, 'latin1').display, 'cafÃ©\\x80.org');
	assert.equal(nameOf(book, bytes, 'utf-8').display, 'café\uFFFD.org');
});
