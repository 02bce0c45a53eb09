// Findings the engine holds back for a while of capture time before raising them: a lookup that
// stronger evidence may make redundant, or one side of an exchange the same flow is about to
// complete. Each kind of hold has one grace, so deadlines come in the order findings were first
// held and the due ones are always at the front: releasing them never walks the whole set.
import type {Finding} from './detector.js';

/** The part of a flow a finding is judged on, copied so a held finding outlives the flow. */
export interface FlowFacts {
	clientAddress: string;
	serverAddress: string;
	clientPort: number;
	serverPort: number;
	timeMicros: number;
}

export interface HeldFinding {
	facts: FlowFacts;
	finding: Finding;
	deadlineMicros: number;
}

interface Entry<Key> extends HeldFinding {
	readonly key: Key;
}

/** Queue entries read past before the queue's front is cut off. */
const compactAfter = 1024;

export class HeldFindings<Key> {
	private readonly entries = new Map<Key, Entry<Key>>();
	/**
	 * Every entry in the order first held, which is deadline order (capture time out of order by a
	 * packet or two aside). One taken back stays here until the front reaches it: walking a Map
	 * from its start would pass over every entry deleted since V8 last rebuilt it.
	 */
	private queue: Array<Entry<Key>> = [];
	private front = 0;

	constructor(private readonly graceMicros: number) {}

	get size(): number {
		return this.entries.size;
	}

	get(key: Key): HeldFinding | undefined {
		return this.entries.get(key);
	}

	/** Holds `finding` under `key` (one already held there is replaced and keeps its deadline); returns the deadline. */
	hold(key: Key, facts: FlowFacts, finding: Finding): number {
		const held = this.entries.get(key);
		if (held !== undefined) {
			held.facts = facts;
			held.finding = finding;
			return held.deadlineMicros;
		}
		const entry: Entry<Key> = {key, facts, finding, deadlineMicros: facts.timeMicros + this.graceMicros};
		this.entries.set(key, entry);
		this.queue.push(entry);
		return entry.deadlineMicros;
	}

	/** Removes and returns what `key` holds. */
	take(key: Key): HeldFinding | undefined {
		const held = this.entries.get(key);
		if (held !== undefined) this.entries.delete(key);
		return held;
	}

	/**
	 * Removes the findings due by `nowMicros` (all of them for +Infinity) and hands each to
	 * `release`; returns the next deadline still held, or +Infinity.
	 */
	releaseDue(nowMicros: number, release: (key: Key, held: HeldFinding) => void): number {
		let next = Number.POSITIVE_INFINITY;
		while (this.front < this.queue.length) {
			const entry = this.queue[this.front]!;
			// Taken back since (or taken and held again: then a later entry stands for the key).
			if (this.entries.get(entry.key) !== entry) {
				this.front++;
				continue;
			}
			if (entry.deadlineMicros > nowMicros) {
				next = entry.deadlineMicros;
				break;
			}
			this.front++;
			this.entries.delete(entry.key);
			release(entry.key, entry);
		}
		if (this.front >= compactAfter && this.front * 2 >= this.queue.length) {
			this.queue = this.queue.slice(this.front);
			this.front = 0;
		}
		return next;
	}
}
