// An open-addressing hash index from a 31-bit key hash to a table slot number, kept in one typed
// array: lookups touch no objects, and entries leave nothing for the garbage collector to trace.
// Linear probing with backward-shift deletion (no tombstones), doubled when half full. Equal hashes
// are expected; the caller compares the full key at each candidate slot.
//
// Probing is the caller's loop so the key comparison stays inline:
//   for (let at = index.start(hash); ; at = index.next(at)) {
//     const slot = index.slotAt(at);
//     if (slot < 0) break;                 // not present
//     if (index.hashAt(at) === hash && keyAt(slot) matches) ...
//   }

const initialEntries = 1024;

export class SlotIndex {
	size = 0;
	/** Pairs of (hash, slot + 1); a zero second word marks an empty position. */
	private entries: Int32Array;
	private mask: number;

	constructor(expectedSize = 0) {
		let capacity = initialEntries;
		while (capacity < expectedSize * 2) capacity *= 2;
		this.entries = new Int32Array(capacity * 2);
		this.mask = capacity - 1;
	}

	start(hash: number): number {
		return hash & this.mask;
	}

	next(position: number): number {
		return (position + 1) & this.mask;
	}

	/** The slot at a probe position, or -1 when the position is empty (the probe ends there). */
	slotAt(position: number): number {
		return this.entries[position * 2 + 1]! - 1;
	}

	hashAt(position: number): number {
		return this.entries[position * 2]!;
	}

	insert(hash: number, slot: number): void {
		if ((this.size + 1) * 2 > this.mask + 1) this.grow();
		this.place(hash, slot);
		this.size++;
	}

	/** Removes the entry of `slot`, which was inserted with `hash`. */
	remove(hash: number, slot: number): void {
		const entries = this.entries;
		const mask = this.mask;
		let hole = hash & mask;
		for (;;) {
			const stored = entries[hole * 2 + 1]! - 1;
			if (stored < 0) return;
			if (stored === slot) break;
			hole = (hole + 1) & mask;
		}
		this.size--;
		// Shift later entries of the same probe run back into the hole, so no probe stops early.
		let position = hole;
		for (;;) {
			position = (position + 1) & mask;
			if (entries[position * 2 + 1] === 0) break;
			const home = entries[position * 2]! & mask;
			const staysPut = hole <= position ? hole < home && home <= position : hole < home || home <= position;
			if (staysPut) continue;
			entries[hole * 2] = entries[position * 2]!;
			entries[hole * 2 + 1] = entries[position * 2 + 1]!;
			hole = position;
		}
		entries[hole * 2] = 0;
		entries[hole * 2 + 1] = 0;
	}

	private place(hash: number, slot: number): void {
		const entries = this.entries;
		let position = hash & this.mask;
		while (entries[position * 2 + 1] !== 0) position = (position + 1) & this.mask;
		entries[position * 2] = hash;
		entries[position * 2 + 1] = slot + 1;
	}

	private grow(): void {
		const old = this.entries;
		const capacity = (this.mask + 1) * 2;
		this.entries = new Int32Array(capacity * 2);
		this.mask = capacity - 1;
		for (let position = 0; position < old.length; position += 2) {
			if (old[position + 1] !== 0) this.place(old[position]!, old[position + 1]! - 1);
		}
	}
}
