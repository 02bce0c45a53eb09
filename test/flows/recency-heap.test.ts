// The heap gives the least recently touched slot exactly as a recency list would, whatever the order
// of touches, additions and removals (property test against a plain array kept in touch order).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {RecencyHeap} from '../../source/flows/recency-heap.js';

type Operation = {kind: 'add'} | {kind: 'touch'; pick: number} | {kind: 'takeOldest'};

const operation: fc.Arbitrary<Operation> = fc.oneof(
	fc.constant({kind: 'add'} as const),
	fc.record({kind: fc.constant('touch' as const), pick: fc.nat()}),
	fc.constant({kind: 'takeOldest'} as const),
);

test('oldest returns the least recently touched slot, as a recency list does', () => {
	fc.assert(fc.property(fc.array(operation, {maxLength: 400}), (operations) => {
		const heap = new RecencyHeap(1);
		const lastTouch: number[] = [];
		/** The model: live slots, least recently touched first. */
		const order: number[] = [];
		const free: number[] = [];
		let touches = 0;
		for (const step of operations) {
			if (step.kind === 'add') {
				const slot = free.pop() ?? order.length;
				lastTouch[slot] = ++touches;
				heap.insert(slot, lastTouch[slot]!);
				order.push(slot);
			} else if (step.kind === 'touch' && order.length > 0) {
				const slot = order[step.pick % order.length]!;
				lastTouch[slot] = ++touches;
				order.splice(order.indexOf(slot), 1);
				order.push(slot);
			} else if (step.kind === 'takeOldest' && order.length > 0) {
				const slot = heap.oldest((candidate) => lastTouch[candidate]!);
				heap.removeOldest();
				assert.equal(slot, order.shift());
				free.push(slot);
			}
			assert.equal(heap.size, order.length);
		}
	}), {seed: 0x4ea9, numRuns: 300});
});
