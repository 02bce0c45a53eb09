// Packets and wire bytes per protocol family, as the detection engine has labelled the flows, in
// total and per bucket of capture time. Counted in typed arrays by family position: a lookup by the
// family string as a property name would take V8's slow generic path on every packet.
import {protocolFamilies, type ProtocolFamily, type TrafficCounter, type TrafficHistory} from '../model/messages.js';

const other = protocolFamilies.indexOf('other');
const familyCount = protocolFamilies.length;

/** Capture time per history bucket. */
export const historyBucketMilliseconds = 2000;
const bucketMicros = historyBucketMilliseconds * 1000;
/** Completed buckets kept until a summary takes them: as many as the screens draw, the newest. */
export const maxHistoryBuckets = 240;

interface Bucket {
	/** Capture time / bucket length. */
	readonly index: number;
	/** Per family position: packets, then bytes. */
	readonly counts: Float64Array;
}

export class FamilyCounters {
	/** Per family position: packets, then bytes. */
	private readonly counts = new Float64Array(familyCount * 2);
	/** The bucket packets are counted into; a packet a little back in time joins it rather than reopen a closed one. */
	private current: Bucket | undefined;
	/** Where the current bucket ends: most packets fall before it and need no division. */
	private currentEndMicros = Number.NEGATIVE_INFINITY;
	private completed: Bucket[] = [];

	/** The family of the last packet and its position: consecutive packets mostly share one. */
	private lastFamily: string = protocolFamilies[other]!;
	private lastIndex = other * 2;

	add(family: ProtocolFamily, wireBytes: number, timestampMicros: number): void {
		if (family !== this.lastFamily) {
			const found = protocolFamilies.indexOf(family);
			this.lastFamily = family;
			this.lastIndex = (found < 0 ? other : found) * 2;
		}
		const index = this.lastIndex;
		this.counts[index]++;
		this.counts[index + 1] += wireBytes;
		const bucket = timestampMicros < this.currentEndMicros ? this.current! : this.bucketAt(Math.floor(timestampMicros / bucketMicros));
		bucket.counts[index]++;
		bucket.counts[index + 1] += wireBytes;
	}

	snapshot(): Record<ProtocolFamily, TrafficCounter> {
		return Object.fromEntries(protocolFamilies.map((family, index) => [family, {packets: this.counts[index * 2]!, bytes: this.counts[index * 2 + 1]!}])) as Record<ProtocolFamily, TrafficCounter>;
	}

	/**
	 * Hands over the buckets completed since the last call (with `includeCurrent`, the one still
	 * filling too: the capture is over), the newest `maxHistoryBuckets` of them, quiet ones as zeros.
	 */
	takeHistory(includeCurrent: boolean): TrafficHistory | undefined {
		if (includeCurrent && this.current !== undefined) {
			this.completed.push(this.current);
			this.current = undefined;
			this.currentEndMicros = Number.NEGATIVE_INFINITY;
		}
		const buckets = this.completed;
		if (buckets.length === 0) return undefined;
		this.completed = [];
		const last = buckets.at(-1)!.index;
		const first = Math.max(buckets[0]!.index, last - maxHistoryBuckets + 1);
		const length = last - first + 1;
		const history: TrafficHistory = {
			start: first * historyBucketMilliseconds,
			bucketMilliseconds: historyBucketMilliseconds,
			bytes: Object.fromEntries(protocolFamilies.map((family) => [family, new Array<number>(length).fill(0)])) as Record<ProtocolFamily, number[]>,
			packets: Object.fromEntries(protocolFamilies.map((family) => [family, new Array<number>(length).fill(0)])) as Record<ProtocolFamily, number[]>,
		};
		for (const bucket of buckets) {
			if (bucket.index < first) continue;
			for (let family = 0; family < familyCount; family++) {
				const name = protocolFamilies[family]!;
				history.packets[name][bucket.index - first] = bucket.counts[family * 2]!;
				history.bytes[name][bucket.index - first] = bucket.counts[family * 2 + 1]!;
			}
		}
		return history;
	}

	private bucketAt(index: number): Bucket {
		const current = this.current;
		if (current !== undefined && index <= current.index) return current;
		if (current !== undefined) {
			this.completed.push(current);
			if (this.completed.length > maxHistoryBuckets) this.completed.shift();
		}
		this.current = {index, counts: new Float64Array(familyCount * 2)};
		this.currentEndMicros = (index + 1) * bucketMicros;
		return this.current;
	}
}
