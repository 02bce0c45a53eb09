// Least-recently-touched order over slots without moving anything when a slot is touched: the owner
// numbers its touches and stores each slot's last number beside the slot's own counters, and a
// min-heap holds slots under the number they had when last placed. Touching is then one store into
// memory the packet writes anyway, where a linked recency list read and wrote both neighbours'
// links, two or three more cache misses per touch. When the oldest is wanted, a root touched since
// goes down under its current number until the root is current: exactly the least recently touched
// slot, as a recency list gives. An entry its owner no longer counts (the slot was freed or placed
// in another heap since) is dropped when it comes up.
import {grownFloat64Array, grownInt32Array} from './typed-growth.js';

/**
 * The number `slot` was last touched with, given the `key` its entry was placed under; or -1 when the
 * entry no longer counts.
 */
export type CurrentTouch = (slot: number, key: number) => number;

export class RecencyHeap {
	private slots: Int32Array;
	/** The touch number each entry was placed under. */
	private keys: Float64Array;
	private length = 0;

	constructor(capacity: number) {
		this.slots = new Int32Array(Math.max(1, capacity));
		this.keys = new Float64Array(Math.max(1, capacity));
	}

	/** Entries held, those that no longer count included until they come up. */
	get size(): number {
		return this.length;
	}

	/** Adds `slot`, last touched as number `touch`. */
	insert(slot: number, touch: number): void {
		if (this.length === this.slots.length) {
			this.slots = grownInt32Array(this.slots, this.length * 2, 0);
			this.keys = grownFloat64Array(this.keys, this.length * 2);
		}
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

	/** The least recently touched slot, left in place, or -1 when none counts. */
	oldest(currentTouch: CurrentTouch): number {
		while (this.length > 0) {
			const slot = this.slots[0]!;
			const key = this.keys[0]!;
			const touch = currentTouch(slot, key);
			if (touch === key) return slot;
			if (touch < 0) this.removeOldest();
			else this.siftDown(slot, touch);
		}
		return -1;
	}

	/** Removes the root, the slot `oldest` returned. */
	removeOldest(): void {
		const last = --this.length;
		if (last > 0) this.siftDown(this.slots[last]!, this.keys[last]!);
	}

	/** Drops every entry that no longer counts and re-places the rest under their current numbers. */
	compact(currentTouch: CurrentTouch): void {
		const {slots, keys} = this;
		let kept = 0;
		for (let at = 0; at < this.length; at++) {
			const touch = currentTouch(slots[at]!, keys[at]!);
			if (touch < 0) continue;
			slots[kept] = slots[at]!;
			keys[kept] = touch;
			kept++;
		}
		const count = kept;
		this.length = 0;
		for (let at = 0; at < count; at++) this.insert(slots[at]!, keys[at]!);
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
