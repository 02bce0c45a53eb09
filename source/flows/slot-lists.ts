// Doubly-linked recency lists over slot numbers, with the links in typed arrays: move-to-front and
// drop-oldest in O(1), touching allocates nothing and leaves no object links for the collector.
// A slot is in at most one of the lists at a time.
import {grownInt32Array, grownInt8Array} from './typed-growth.js';

const none = -1;

export class SlotLists {
	private newerOf: Int32Array;
	private olderOf: Int32Array;
	/** The list holding each slot, or -1. */
	private listOf: Int8Array;
	private readonly newestOf: Int32Array;
	private readonly oldestOf: Int32Array;
	private readonly sizes: Int32Array;

	constructor(lists: number, capacity: number) {
		this.newerOf = new Int32Array(capacity);
		this.olderOf = new Int32Array(capacity);
		this.listOf = new Int8Array(capacity).fill(none);
		this.newestOf = new Int32Array(lists).fill(none);
		this.oldestOf = new Int32Array(lists).fill(none);
		this.sizes = new Int32Array(lists);
	}

	get capacity(): number {
		return this.listOf.length;
	}

	/** Makes room for slots below `capacity`. */
	grow(capacity: number): void {
		if (capacity <= this.listOf.length) return;
		this.newerOf = grownInt32Array(this.newerOf, capacity, 0);
		this.olderOf = grownInt32Array(this.olderOf, capacity, 0);
		this.listOf = grownInt8Array(this.listOf, capacity, none);
	}

	/** The newest slot of `list`, or -1 when it is empty. */
	newest(list: number): number {
		return this.newestOf[list]!;
	}

	/** The oldest slot of `list`, or -1 when it is empty. */
	oldest(list: number): number {
		return this.oldestOf[list]!;
	}

	/** The next older slot in the same list, or -1. */
	older(slot: number): number {
		return this.olderOf[slot]!;
	}

	size(list: number): number {
		return this.sizes[list]!;
	}

	/** Makes `slot` the newest of `list`, taking it out of whatever list held it. */
	touch(list: number, slot: number): void {
		const current = this.listOf[slot]!;
		if (current === list && this.newestOf[list] === slot) return;
		if (current !== none) this.remove(slot);
		const newest = this.newestOf[list]!;
		this.olderOf[slot] = newest;
		this.newerOf[slot] = none;
		if (newest !== none) this.newerOf[newest] = slot;
		else this.oldestOf[list] = slot;
		this.newestOf[list] = slot;
		this.listOf[slot] = list;
		this.sizes[list]++;
	}

	remove(slot: number): void {
		const list = this.listOf[slot]!;
		if (list === none) return;
		const newer = this.newerOf[slot]!;
		const older = this.olderOf[slot]!;
		if (newer !== none) this.olderOf[newer] = older;
		else this.newestOf[list] = older;
		if (older !== none) this.newerOf[older] = newer;
		else this.oldestOf[list] = newer;
		this.listOf[slot] = none;
		this.sizes[list]--;
	}
}
