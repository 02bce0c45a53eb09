// Findings the engine holds back for a while of capture time before raising them: a lookup that
// stronger evidence may make redundant, or the stage of an exchange the same flow is about to
// complete. Each kind of hold has one grace, so deadlines come in the order findings were first
// held and the due ones are always at the front: releasing them never walks the whole set.

/** The part of a flow a finding is judged on, copied so a held finding outlives the flow. */
export interface FlowFacts {
	flowId: number;
	clientAddress: string;
	serverAddress: string;
	clientPort: number;
	serverPort: number;
	timeMicros: number;
}

/** `value`: a finding, or what makes one. */
export interface HeldFinding<Held> {
	facts: FlowFacts;
	value: Held;
	deadlineMicros: number;
}

interface Entry<Held> extends HeldFinding<Held> {
	/** Numbers every hold: a key taken back and held again gets a new one. */
	readonly serial: number;
}

/** Queue places read past before the queue's front is cut off. */
const compactAfter = 1024;

export class HeldFindings<Key, Held> {
	private readonly entries = new Map<Key, Entry<Held>>();
	/**
	 * Every hold's key and serial, in the order first held, which is deadline order (capture time
	 * out of order by a packet or two aside). A finding taken back leaves its key here until the
	 * front reaches it, holding nothing else alive: walking the Map from its start instead would pass
	 * over every entry deleted since V8 last rebuilt it.
	 */
	private queueKeys: Key[] = [];
	private queueSerials: number[] = [];
	private front = 0;
	private serials = 0;

	constructor(private readonly graceMicros: number) {}

	get size(): number {
		return this.entries.size;
	}

	get(key: Key): HeldFinding<Held> | undefined {
		return this.entries.get(key);
	}

	/** Holds `value` under `key` (what is already held there is replaced and keeps its deadline); returns the deadline. */
	hold(key: Key, facts: FlowFacts, value: Held): number {
		const entry = this.entries.get(key);
		if (entry !== undefined) {
			entry.facts = facts;
			entry.value = value;
			return entry.deadlineMicros;
		}
		const serial = ++this.serials;
		const deadlineMicros = facts.timeMicros + this.graceMicros;
		this.entries.set(key, {facts, value, deadlineMicros, serial});
		this.queueKeys.push(key);
		this.queueSerials.push(serial);
		return deadlineMicros;
	}

	/** Removes and returns what `key` holds. */
	take(key: Key): HeldFinding<Held> | undefined {
		const entry = this.entries.get(key);
		if (entry !== undefined) this.entries.delete(key);
		return entry;
	}

	/**
	 * Removes the findings due by `nowMicros` (all of them for +Infinity) and hands each to
	 * `release`; returns the next deadline still held, or +Infinity.
	 */
	releaseDue(nowMicros: number, release: (key: Key, held: HeldFinding<Held>) => void): number {
		let next = Number.POSITIVE_INFINITY;
		while (this.front < this.queueKeys.length) {
			const key = this.queueKeys[this.front]!;
			const entry = this.entries.get(key);
			// Taken back since (or taken and held again: then a later place stands for the key).
			if (entry === undefined || entry.serial !== this.queueSerials[this.front]) {
				this.front++;
				continue;
			}
			if (entry.deadlineMicros > nowMicros) {
				next = entry.deadlineMicros;
				break;
			}
			this.front++;
			this.entries.delete(key);
			release(key, entry);
		}
		if (this.front >= compactAfter && this.front * 2 >= this.queueKeys.length) {
			this.queueKeys = this.queueKeys.slice(this.front);
			this.queueSerials = this.queueSerials.slice(this.front);
			this.front = 0;
		}
		return next;
	}
}
