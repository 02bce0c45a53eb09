// Values by 32-bit key in a fixed set-associative table: a key may sit in one of eight ways of its
// bucket, and a full bucket forgets its oldest key for a new one. Keys are numbers in a typed array
// and a bucket's keys share a cache line, so a lookup costs one miss where a Map costs several, and
// the table keeps nothing per key beyond the value (a Map entry would hold a young key alive).

const ways = 8;

export class WayTable<Value> {
	private readonly bucketBits: number;
	private readonly keys: Uint32Array;
	/** The value by entry; undefined marks a free entry. */
	private readonly values: (Value | undefined)[];
	/** Per bucket, the way the next new key takes once the bucket is full. */
	private readonly nextWay: Uint8Array;

	/** Room for about `capacity` keys (rounded up to whole buckets, a power of two of them). */
	constructor(capacity: number) {
		this.bucketBits = Math.max(0, Math.ceil(Math.log2(Math.max(1, capacity) / ways)));
		const buckets = 1 << this.bucketBits;
		this.keys = new Uint32Array(buckets * ways);
		this.values = new Array<Value | undefined>(buckets * ways).fill(undefined);
		this.nextWay = new Uint8Array(buckets);
	}

	/** `key`: a 32-bit unsigned integer. */
	get(key: number): Value | undefined {
		const first = this.bucketOf(key) * ways;
		for (let entry = first; entry < first + ways; entry++) {
			if (this.keys[entry] === key && this.values[entry] !== undefined) return this.values[entry];
		}
		return undefined;
	}

	/** Adds or replaces (a replaced value keeps its key's age). */
	set(key: number, value: Value): void {
		const bucket = this.bucketOf(key);
		const first = bucket * ways;
		let free = -1;
		for (let entry = first; entry < first + ways; entry++) {
			if (this.values[entry] === undefined) {
				if (free < 0) free = entry;
			} else if (this.keys[entry] === key) {
				this.values[entry] = value;
				return;
			}
		}
		if (free < 0) {
			free = first + this.nextWay[bucket]!;
			this.nextWay[bucket] = (this.nextWay[bucket]! + 1) % ways;
		}
		this.keys[free] = key;
		this.values[free] = value;
	}

	private bucketOf(key: number): number {
		return this.bucketBits === 0 ? 0 : Math.imul(key, 0x9e3779b1) >>> (32 - this.bucketBits);
	}
}
