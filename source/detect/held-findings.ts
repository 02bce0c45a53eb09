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

export class HeldFindings<Key> {
	/** In the order first held, which is deadline order (capture time out of order by a packet or two aside). */
	private readonly entries = new Map<Key, HeldFinding>();

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
		if (held === undefined) {
			const deadlineMicros = facts.timeMicros + this.graceMicros;
			this.entries.set(key, {facts, finding, deadlineMicros});
			return deadlineMicros;
		}
		held.facts = facts;
		held.finding = finding;
		return held.deadlineMicros;
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
		for (const [key, held] of this.entries) {
			if (held.deadlineMicros > nowMicros) return held.deadlineMicros;
			this.entries.delete(key);
			release(key, held);
		}
		return Number.POSITIVE_INFINITY;
	}
}
