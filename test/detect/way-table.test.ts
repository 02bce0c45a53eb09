import {test} from 'node:test';
import assert from 'node:assert/strict';
import {WayTable} from '../../source/detect/way-table.js';

test('values by 32-bit key, replaced in place, the oldest of a full bucket forgotten first', () => {
	const table = new WayTable<string>(8);
	table.set(0, 'zero');
	table.set(0xffff_ffff, 'top');
	for (let key = 1; key <= 6; key++) table.set(key, `v${key}`);
	table.set(3, 'three');
	assert.deepEqual([0, 0xffff_ffff, 1, 3, 6].map((key) => table.get(key)), ['zero', 'top', 'v1', 'three', 'v6']);
	assert.equal(table.get(7), undefined);
	table.set(7, 'v7');
	table.set(8, 'v8');
	assert.equal(table.get(0), undefined);
	assert.equal(table.get(0xffff_ffff), undefined);
	assert.deepEqual([1, 3, 7, 8].map((key) => table.get(key)), ['v1', 'three', 'v7', 'v8']);
});
