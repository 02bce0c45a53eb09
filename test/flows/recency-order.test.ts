// The recency order gives the least recently touched slot exactly as a recency list would, whatever
// the order of touches, additions, removals, entries that stopped counting and compactions
// (property test against a plain array kept in touch order).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {RecencyOrder} from '../../source/flows/recency-order.js';

type Operation = {kind: 'add' | 'takeOldest' | 'compact'} | {kind: 'touch' | 'forget'; pick: number};

const operation: fc.Arbitrary<Operation> = fc.oneof(
	{arbitrary: fc.constant({kind: 'add'} as const), weight: 3},
	{arbitrary: fc.record({kind: fc.constant('touch' as const), pick: fc.nat()}), weight: 4},
	{arbitrary: fc.constant({kind: 'takeOldest'} as const), weight: 2},
	{arbitrary: fc.record({kind: fc.constant('forget' as const), pick: fc.nat()}), weight: 1},
	{arbitrary: fc.constant({kind: 'compact'} as const), weight: 1},
);

test('oldest returns the least recently touched slot, as a recency list does', () => {
	fc.assert(fc.property(fc.array(operation, {maxLength: 400}), (operations) => {
		const order = new RecencyOrder(1);
		const lastTouch: number[] = [];
		/** As the flow table does: an entry placed before the slot's current placement no longer counts. */
		const placedAt: number[] = [];
		const currentTouch = (slot: number, key: number): number => (key < placedAt[slot]! ? -1 : lastTouch[slot]!);
		/** The model: live slots, least recently touched first. */
		const live: number[] = [];
		const free: number[] = [];
		let touches = 0;
		for (const step of operations) {
			if (step.kind === 'add') {
				const slot = free.pop() ?? live.length + free.length;
				lastTouch[slot] = ++touches;
				placedAt[slot] = touches;
				order.insert(slot, touches);
				live.push(slot);
			} else if (step.kind === 'touch' && live.length > 0) {
				const slot = live[step.pick % live.length]!;
				lastTouch[slot] = ++touches;
				live.splice(live.indexOf(slot), 1);
				live.push(slot);
			} else if (step.kind === 'forget' && live.length > 0) {
				// Freed without telling the order, as a flow that ends: its entry stops counting.
				const slot = live.splice(step.pick % live.length, 1)[0]!;
				placedAt[slot] = Number.POSITIVE_INFINITY;
				free.push(slot);
			} else if (step.kind === 'compact') {
				order.compact(currentTouch);
			} else if (step.kind === 'takeOldest') {
				const slot = order.oldest(currentTouch);
				assert.equal(slot, live.length === 0 ? -1 : live[0]);
				if (slot < 0) continue;
				order.removeOldest();
				live.shift();
				placedAt[slot] = Number.POSITIVE_INFINITY;
				free.push(slot);
			}
		}
		// Draining gives the rest in order.
		for (const expected of live) {
			assert.equal(order.oldest(currentTouch), expected);
			order.removeOldest();
		}
		assert.equal(order.oldest(currentTouch), -1);
	}), {seed: 0x4ea9, numRuns: 400});
});
