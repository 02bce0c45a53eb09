import {test} from 'node:test';
import assert from 'node:assert/strict';
import {SlotIndex} from '../../source/flows/slot-index.js';

/** The slots stored under `hash`, in probe order. */
function slotsUnder(index: SlotIndex, hash: number): number[] {
	const found: number[] = [];
	for (let at = index.start(hash); ; at = index.next(at)) {
		const slot = index.slotAt(at);
		if (slot < 0) return found;
		if (index.hashAt(at) === hash) found.push(slot);
	}
}

test('finds what was inserted, in probe order, and nothing else', () => {
	const index = new SlotIndex();
	index.insert(7, 0);
	index.insert(7, 1);
	index.insert(8, 2);
	assert.deepEqual(slotsUnder(index, 7), [0, 1]);
	assert.deepEqual(slotsUnder(index, 8), [2]);
	assert.deepEqual(slotsUnder(index, 9), []);
	assert.equal(index.size, 3);
});

test('removal keeps every other entry reachable: shared hashes, neighbouring homes, wrap-around, growth', () => {
	const index = new SlotIndex();
	const reference = new Map<number, number>();
	let seed = 1;
	const random = (bound: number) => {
		seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
		return seed % bound;
	};
	// Few distinct hashes, clustered at the table's end and start, so probe runs overlap and wrap.
	const hashes = [0, 1, 2, 1021, 1022, 1023, 1024 + 1023, 4095, 5, 2047];
	let nextSlot = 0;
	for (let step = 0; step < 20_000; step++) {
		const live = [...reference.keys()];
		if (live.length > 0 && random(3) === 0) {
			const slot = live[random(live.length)]!;
			index.remove(reference.get(slot)!, slot);
			reference.delete(slot);
		} else if (reference.size < 3000) {
			const hash = hashes[random(hashes.length)]! + (random(4) === 0 ? random(1 << 30) : 0);
			index.insert(hash, nextSlot);
			reference.set(nextSlot++, hash);
		}
		if (step % 997 === 0 || step === 19_999) {
			assert.equal(index.size, reference.size);
			const byHash = new Map<number, number[]>();
			for (const [slot, hash] of reference) byHash.set(hash, [...(byHash.get(hash) ?? []), slot]);
			for (const [hash, slots] of byHash) assert.deepEqual(slotsUnder(index, hash).sort((a, b) => a - b), slots.sort((a, b) => a - b));
		}
	}
});
