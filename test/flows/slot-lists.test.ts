import {test} from 'node:test';
import assert from 'node:assert/strict';
import {SlotLists} from '../../source/flows/slot-lists.js';

function newestFirst(lists: SlotLists, list: number): number[] {
	const slots: number[] = [];
	for (let slot = lists.newest(list); slot >= 0; slot = lists.older(slot)) slots.push(slot);
	return slots;
}

test('touch moves a slot to the front of its list, or across lists; remove unlinks it', () => {
	const lists = new SlotLists(2, 2);
	lists.grow(8);
	for (const slot of [0, 1, 2, 3]) lists.touch(0, slot);
	assert.deepEqual(newestFirst(lists, 0), [3, 2, 1, 0]);
	assert.equal(lists.oldest(0), 0);
	lists.touch(0, 0);
	assert.deepEqual(newestFirst(lists, 0), [0, 3, 2, 1]);
	lists.touch(1, 2);
	assert.deepEqual(newestFirst(lists, 0), [0, 3, 1]);
	assert.deepEqual(newestFirst(lists, 1), [2]);
	assert.equal(lists.listOf(2), 1);
	lists.remove(1);
	lists.remove(1);
	assert.equal(lists.oldest(0), 3);
	assert.equal(lists.listOf(1), -1);
	assert.equal(lists.size(0), 2);
	assert.equal(lists.size(1), 1);
	lists.touch(0, 7);
	assert.deepEqual(newestFirst(lists, 0), [7, 0, 3]);
});
