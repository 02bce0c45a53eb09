// Per-slot typed arrays grow with the table (by doubling, up to its cap) instead of being sized for
// the cap up front, so a large configured cap costs memory only when traffic fills it.

export function grownFloat64Array(array: Float64Array, length: number): Float64Array<ArrayBuffer> {
	const grown = new Float64Array(length);
	grown.set(array);
	return grown;
}

export function grownInt32Array(array: Int32Array, length: number, fill: number): Int32Array<ArrayBuffer> {
	const grown = new Int32Array(length);
	if (fill !== 0) grown.fill(fill, array.length);
	grown.set(array);
	return grown;
}

/** The next slot capacity: doubled, at most `cap`, at least `needed`. */
export function nextCapacity(current: number, needed: number, cap: number): number {
	let capacity = Math.max(current, 64);
	while (capacity < needed) capacity *= 2;
	return Math.min(capacity, Math.max(cap, needed));
}
