// Least-recently-touched order over slots without moving anything when a slot is touched: the owner
// numbers its touches and stores each slot's last number beside the slot's own counters, and this
// holds slots under the number they had when placed. Touching is then one store into memory the
// packet writes anyway, where a linked recency list read and wrote both neighbours' links, two or
// three more cache misses per touch. Slots are placed with the newest number, so a plain queue
// keeps them in order; one found touched since it was placed, when it comes up, goes to a min-heap
// under its current number. The oldest is the smaller of the queue's front and the heap's root once
// both are current: exactly the least recently touched slot, as a recency list gives. A flood that
// evicts on every packet takes it from the queue's front, O(1), as the list did. An entry its owner
// no longer counts (the slot was freed or placed in another order since) is dropped when it comes up.
import {grownFloat64Array, grownInt32Array} from './typed-growth.js';

/**
 * The number `slot` was last touched with, given the `key` its entry was placed under; or -1 when the
 * entry no longer counts.
 */
export type CurrentTouch = (slot: number, key: number) => number;

export class RecencyOrder {
	/** The queue: a ring of entries in the order placed, which is touch order. */
	private queueSlots: Int32Array;
	private queueKeys: Float64Array;
	private queueHead = 0;
	private queueLength = 0;
	/** The heap of entries placed again under a later touch. */
	private heapSlots = new Int32Array(16);
	private heapKeys = new Float64Array(16);
	private heapLength = 0;
	/** Where the slot `oldest` returned is: in the queue's front or at the heap's root. */
	private oldestInQueue = true;

	constructor(capacity: number) {
		this.queueSlots = new Int32Array(Math.max(16, capacity));
		this.queueKeys = new Float64Array(Math.max(16, capacity));
	}

	/** Entries held, those that no longer count included until they come up. */
	get size(): number {
		return this.queueLength + this.heapLength;
	}

	/** Adds `slot` under `touch`, which must be the newest touch number so far. */
	insert(slot: number, touch: number): void {
		if (this.queueLength === this.queueSlots.length) this.growQueue();
		const at = (this.queueHead + this.queueLength) % this.queueSlots.length;
		this.queueSlots[at] = slot;
		this.queueKeys[at] = touch;
		this.queueLength++;
	}

	/** The least recently touched slot, left in place, or -1 when none counts. */
	oldest(currentTouch: CurrentTouch): number {
		while (this.queueLength > 0) {
			const slot = this.queueSlots[this.queueHead]!;
			const key = this.queueKeys[this.queueHead]!;
			const touch = currentTouch(slot, key);
			if (touch === key) break;
			this.dropQueueFront();
			if (touch >= 0) this.heapInsert(slot, touch);
		}
		while (this.heapLength > 0) {
			const slot = this.heapSlots[0]!;
			const key = this.heapKeys[0]!;
			const touch = currentTouch(slot, key);
			if (touch === key) break;
			if (touch < 0) this.heapRemoveRoot();
			else this.heapSiftDown(slot, touch);
		}
		if (this.queueLength === 0 && this.heapLength === 0) return -1;
		this.oldestInQueue = this.heapLength === 0 || (this.queueLength > 0 && this.queueKeys[this.queueHead]! < this.heapKeys[0]!);
		return this.oldestInQueue ? this.queueSlots[this.queueHead]! : this.heapSlots[0]!;
	}

	/** Removes the slot `oldest` returned. */
	removeOldest(): void {
		if (this.oldestInQueue) this.dropQueueFront();
		else this.heapRemoveRoot();
	}

	/** Drops every entry that no longer counts and queues the rest in order of their current numbers. */
	compact(currentTouch: CurrentTouch): void {
		const kept: Array<{slot: number; touch: number}> = [];
		for (let index = 0; index < this.queueLength; index++) {
			const at = (this.queueHead + index) % this.queueSlots.length;
			const touch = currentTouch(this.queueSlots[at]!, this.queueKeys[at]!);
			if (touch >= 0) kept.push({slot: this.queueSlots[at]!, touch});
		}
		for (let index = 0; index < this.heapLength; index++) {
			const touch = currentTouch(this.heapSlots[index]!, this.heapKeys[index]!);
			if (touch >= 0) kept.push({slot: this.heapSlots[index]!, touch});
		}
		kept.sort((left, right) => left.touch - right.touch);
		this.queueHead = 0;
		this.queueLength = 0;
		this.heapLength = 0;
		for (const {slot, touch} of kept) this.insert(slot, touch);
	}

	private dropQueueFront(): void {
		this.queueHead = (this.queueHead + 1) % this.queueSlots.length;
		this.queueLength--;
	}

	private growQueue(): void {
		const capacity = this.queueSlots.length;
		const slots = new Int32Array(capacity * 2);
		const keys = new Float64Array(capacity * 2);
		for (let index = 0; index < this.queueLength; index++) {
			const at = (this.queueHead + index) % capacity;
			slots[index] = this.queueSlots[at]!;
			keys[index] = this.queueKeys[at]!;
		}
		this.queueSlots = slots;
		this.queueKeys = keys;
		this.queueHead = 0;
	}

	private heapInsert(slot: number, touch: number): void {
		if (this.heapLength === this.heapSlots.length) {
			this.heapSlots = grownInt32Array(this.heapSlots, this.heapLength * 2, 0);
			this.heapKeys = grownFloat64Array(this.heapKeys, this.heapLength * 2);
		}
		const {heapSlots: slots, heapKeys: keys} = this;
		let at = this.heapLength++;
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

	private heapRemoveRoot(): void {
		const last = --this.heapLength;
		if (last > 0) this.heapSiftDown(this.heapSlots[last]!, this.heapKeys[last]!);
	}

	/** Places `slot` under `touch` at the root's position and moves it down to where it belongs. */
	private heapSiftDown(slot: number, touch: number): void {
		const {heapSlots: slots, heapKeys: keys} = this;
		const length = this.heapLength;
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
