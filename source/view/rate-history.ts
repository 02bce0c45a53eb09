// Per-family traffic rates over capture time, from the buckets of capture time each summary
// carries (counted by the worker as packets arrive), so a replay at 10× or as fast as it can read
// draws the same shape as at 1×. Capture time only moves on: a loop continues it, and a gap
// (a months-long pause in a capture) costs no more than the buckets kept.
import {protocolFamilies, type ProtocolFamily, type TrafficHistory} from '../model/messages.js';

export type RateMetric = 'bytes' | 'packets';

export interface RateHistoryOptions {
	bucketMilliseconds: number;
	buckets: number;
}

export const defaultRateHistoryOptions: RateHistoryOptions = {bucketMilliseconds: 2000, buckets: 240};

interface FamilySeries {
	bytes: Float64Array;
	packets: Float64Array;
}

export class RateHistory {
	readonly bucketMilliseconds: number;
	readonly bucketCount: number;
	private readonly series = new Map<ProtocolFamily, FamilySeries>();
	/** Absolute index (capture time / bucket length) of the bucket after the newest one filled: the one filling. */
	private newestBucket = 0;

	constructor(options: RateHistoryOptions = defaultRateHistoryOptions) {
		this.bucketMilliseconds = options.bucketMilliseconds;
		this.bucketCount = options.buckets;
		for (const family of protocolFamilies) {
			this.series.set(family, {bytes: new Float64Array(this.bucketCount), packets: new Float64Array(this.bucketCount)});
		}
	}

	/** Adds a summary's buckets; each is spread over the buckets here that its span covers. */
	add(history: TrafficHistory): void {
		const length = history.bytes.other.length;
		for (let index = 0; index < length; index++) {
			const from = history.start + index * history.bucketMilliseconds;
			const to = from + history.bucketMilliseconds;
			if (Math.floor(to / this.bucketMilliseconds) < this.newestBucket - this.bucketCount) {
				continue;
			}

			this.advanceTo(to);
			for (const family of protocolFamilies) {
				const series = this.series.get(family)!;
				this.spread(series.bytes, from, to, history.bytes[family][index] ?? 0);
				this.spread(series.packets, from, to, history.packets[family][index] ?? 0);
			}
		}
	}

	/**
	 * Rates per second of the last `count` completed buckets, oldest first. The bucket still
	 * filling is left out so the right edge does not dip on every update.
	 */
	rates(family: ProtocolFamily, metric: RateMetric, count: number): number[] {
		const values = this.series.get(family)?.[metric];
		const result: number[] = [];
		if (!values) {
			return result;
		}

		const perSecond = 1000 / this.bucketMilliseconds;
		const newestComplete = this.newestBucket - 1;
		const available = Math.min(count, this.bucketCount - 1, Math.max(0, newestComplete + 1));
		for (let bucket = newestComplete - available + 1; bucket <= newestComplete; bucket++) {
			result.push((values[bucket % this.bucketCount] ?? 0) * perSecond);
		}

		return result;
	}

	/** Rate per second over the newest completed bucket. */
	currentRate(family: ProtocolFamily, metric: RateMetric): number {
		return this.rates(family, metric, 1)[0] ?? 0;
	}

	/** Makes the bucket holding `time` the one filling, clearing the slots it moves past. */
	private advanceTo(time: number): void {
		const target = Math.ceil(time / this.bucketMilliseconds);
		const first = Math.max(this.newestBucket + 1, target - this.bucketCount + 1);
		for (let bucket = first; bucket <= target; bucket++) {
			const slot = bucket % this.bucketCount;
			for (const series of this.series.values()) {
				series.bytes[slot] = 0;
				series.packets[slot] = 0;
			}
		}

		this.newestBucket = Math.max(this.newestBucket, target);
	}

	/** Adds `amount` over [from, to), in proportion to the time each bucket covers; older than the kept buckets is dropped. */
	private spread(values: Float64Array, from: number, to: number, amount: number): void {
		if (amount <= 0) {
			return;
		}

		const oldestKept = this.newestBucket - this.bucketCount + 1;
		const firstBucket = Math.max(Math.floor(from / this.bucketMilliseconds), oldestKept);
		const lastBucket = Math.ceil(to / this.bucketMilliseconds) - 1;
		for (let bucket = firstBucket; bucket <= lastBucket; bucket++) {
			const start = Math.max(from, bucket * this.bucketMilliseconds);
			const end = Math.min(to, (bucket + 1) * this.bucketMilliseconds);
			if (end > start) {
				values[bucket % this.bucketCount] = (values[bucket % this.bucketCount] ?? 0) + amount * (end - start) / (to - from);
			}
		}
	}
}
