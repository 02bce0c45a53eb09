// A small number per flow id (the engine's bits of detectors still holding the flow). Flow ids
// grow by one per flow and most flows are short, so recent ids sit in a ring of typed arrays
// indexed by id, where neighbouring flows share cache lines; a flow outlived by a ring's worth of
// newer flows moves to a Map. A Map alone cost a cache miss or two on nearly every first payload.

const ringBits = 16;
const ringSize = 1 << ringBits;
const ringMask = ringSize - 1;

export class FlowBits {
	/** The id owning each ring slot, 0 when free (ids start at 1). */
	private readonly ids = new Float64Array(ringSize);
	private readonly bits = new Int32Array(ringSize);
	private readonly older = new Map<number, number>();

	get(id: number): number | undefined {
		const slot = id & ringMask;
		if (this.ids[slot] === id) return this.bits[slot];
		return this.older.size === 0 ? undefined : this.older.get(id);
	}

	set(id: number, bits: number): void {
		const slot = id & ringMask;
		const owner = this.ids[slot]!;
		if (owner !== id && owner !== 0) {
			if (this.older.has(id)) {
				this.older.set(id, bits);
				return;
			}
			this.older.set(owner, this.bits[slot]!);
		}
		this.ids[slot] = id;
		this.bits[slot] = bits;
	}

	delete(id: number): void {
		const slot = id & ringMask;
		if (this.ids[slot] === id) this.ids[slot] = 0;
		else if (this.older.size > 0) this.older.delete(id);
	}
}
