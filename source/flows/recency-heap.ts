// Least-recently-touched order over slots without moving anything when a slot is touched: each slot
// carries the number of its last touch (a counter the owner stores beside the slot's own counters),
// and a min-heap holds every slot under the touch number it had when last placed. Touching is then
// one store into memory the packet writes anyway, where a linked recency list read and wrote both
// neighbours' links, two more cache misses per host per packet. The heap's root is checked when the
// oldest is wanted: a root touched since it was placed goes down under its current number, so the
// root that is still current is the least recently touched slot, exactly as a recency list gives.
import {grownFloat64Array, grownInt32Array} from './typed-growth.js';

export class RecencyHeap {
	private slots: Int32Array;
	/** The touch number each heap entry was placed under. */
	private keys: Float64Array;
	private length = 0;

	constructor(capacity: number) {
		this.slots = new Int32Array(capacity);
		this.keys = new Float64Array(capacity);
	}

	get size(): number {
		return this.length;
	}

	grow(capacity: number): void {
		if (capacity <= this.slots.length) return;
		this.slots = grownInt32Array(this.slots, capacity, 0);
		this.keys = grownFloat64Array(this.keys, capacity);
	}

	/** Adds a slot not in the heap, last touched as number `touch`. */
	insert(slot: number, touch: number): void {
		let at = this.length++;
		const {slots, keys} = this;
		while (at > 0) {
			const parent = (at - 1) >> 1;
			if (keys[parent]! <= touch) break;
			slots[at] = slots[parent]!;
			keys[at] = keys[parent]!;
			at = parent;
		}
		slots[at] = slot;
		keys[at] = touch;
	}

	/** Removes and returns the least recently touched slot (the heap must not be empty). */
	takeOldest(lastTouchOf: (slot: number) => number): number {
		for (;;) {
			const slot = this.slots[0]!;
			const touch = lastTouchOf(slot);
			if (touch === this.keys[0]) {
				const last = --this.length;
				if (last > 0) this.siftDown(this.slots[last]!, this.keys[last]!);
				return slot;
			}
			this.siftDown(slot, touch);
		}
	}

	/** Places `slot` under `touch` at the root's position and moves it down to where it belongs. */
	private siftDown(slot: number, touch: number): void {
		const {slots, keys} = this;
		const length = this.length;
		let at = 0;
		for (;;) {
			let child = at * 2 + 1;
			if (child >= length) break;
			if (child + 1 < length && keys[child + 1]! < keys[child]!) child++;
			if (keys[child]! >= touch) break;
			slots[at] = slots[child]!;
			keys[at] = keys[child]!;
			at = child;
		}
		slots[at] = slot;
		keys[at] = touch;
	}
}
