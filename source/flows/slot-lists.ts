// Doubly-linked recency lists over slot numbers, with the links in one typed array: move-to-front
// and drop-oldest in O(1), touching allocates nothing and leaves no object links for the collector.
// A slot's links and list sit side by side, so touching it reads one cache line, not three.
// A slot is in at most one of the lists at a time.
import {grownInt32Array} from './typed-growth.js';

const none = -1;
const newerLink = 0;
const olderLink = 1;
const listLink = 2;
const stride = 3;

export class SlotLists {
	/** Per slot: the newer and older neighbours, and the list holding the slot (-1: none). */
	private links: Int32Array;
	private readonly newestOf: Int32Array;
	private readonly oldestOf: Int32Array;
	private readonly sizes: Int32Array;

	constructor(lists: number, capacity: number) {
		this.links = new Int32Array(capacity * stride).fill(none);
		this.newestOf = new Int32Array(lists).fill(none);
		this.oldestOf = new Int32Array(lists).fill(none);
		this.sizes = new Int32Array(lists);
	}

	get capacity(): number {
		return this.links.length / stride;
	}

	/** Makes room for slots below `capacity`. */
	grow(capacity: number): void {
		if (capacity * stride <= this.links.length) return;
		this.links = grownInt32Array(this.links, capacity * stride, none);
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
		return this.links[slot * stride + olderLink]!;
	}

	/** The list holding `slot`, or -1. */
	listOf(slot: number): number {
		return this.links[slot * stride + listLink]!;
	}

	size(list: number): number {
		return this.sizes[list]!;
	}

	/** Makes `slot` the newest of `list`, taking it out of whatever list held it. */
	touch(list: number, slot: number): void {
		const links = this.links;
		const base = slot * stride;
		const current = links[base + listLink]!;
		if (current === list && this.newestOf[list] === slot) return;
		if (current !== none) this.remove(slot);
		const newest = this.newestOf[list]!;
		links[base + newerLink] = none;
		links[base + olderLink] = newest;
		links[base + listLink] = list;
		if (newest !== none) links[newest * stride + newerLink] = slot;
		else this.oldestOf[list] = slot;
		this.newestOf[list] = slot;
		this.sizes[list]++;
	}

	remove(slot: number): void {
		const links = this.links;
		const base = slot * stride;
		const list = links[base + listLink]!;
		if (list === none) return;
		const newer = links[base + newerLink]!;
		const older = links[base + olderLink]!;
		if (newer !== none) links[newer * stride + olderLink] = older;
		else this.newestOf[list] = older;
		if (older !== none) links[older * stride + newerLink] = newer;
		else this.oldestOf[list] = newer;
		links[base + listLink] = none;
		this.sizes[list]--;
	}
}
