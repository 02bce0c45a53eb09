// A Map that forgets its oldest key once it holds `capacity` keys. The oldest is found in a ring
// of keys in insertion order: evicting through `map.keys().next()` walks over every deleted entry
// V8 has not compacted yet, which made each insertion into a full map cost microseconds.
export class BoundedMap<Key, Value> {
	private readonly entries = new Map<Key, Value>();
	/** Keys in insertion order, a ring once full; `oldest` is where the ring starts. */
	private readonly order: Key[] = [];
	private oldest = 0;
	private readonly capacity: number;

	/** `evicted` hears of each key the map forgets to make room. */
	constructor(capacity: number, private readonly evicted?: (key: Key, value: Value) => void) {
		this.capacity = Math.max(1, capacity);
	}

	get size(): number {
		return this.entries.size;
	}

	get(key: Key): Value | undefined {
		return this.entries.get(key);
	}

	/** Adds or replaces; a new key in a full map takes the place of the oldest. */
	set(key: Key, value: Value): void {
		const entries = this.entries;
		const before = entries.size;
		entries.set(key, value);
		// A replaced value leaves the size as it was: only a new key joins the ring.
		if (entries.size === before) return;
		if (this.order.length < this.capacity) {
			this.order.push(key);
			return;
		}
		const oldestKey = this.order[this.oldest]!;
		if (this.evicted !== undefined) this.evicted(oldestKey, entries.get(oldestKey)!);
		entries.delete(oldestKey);
		this.order[this.oldest] = key;
		this.oldest = (this.oldest + 1) % this.capacity;
	}
}
