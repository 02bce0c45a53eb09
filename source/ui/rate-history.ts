// Per-family traffic rates over capture time, rebuilt from the cumulative counters each summary
// carries. The delta between two summaries is spread over the capture-time interval between them,
// so a replay at 10× draws the same shape as at 1×, and a summary skipped while paused costs
// nothing but resolution.
import {protocolFamilies, type ProtocolFamily, type TrafficCounter} from '../model/messages.js';

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
	private readonly previous = new Map<ProtocolFamily, TrafficCounter>();
	private previousTime: number | undefined;
	/** Capture time with discontinuities (loops, clock jumps back) removed. */
	private virtualTime = 0;
	/** Absolute index of the bucket `virtualTime` falls in. */
	private newestBucket = 0;

	constructor(options: RateHistoryOptions = defaultRateHistoryOptions) {
		this.bucketMilliseconds = options.bucketMilliseconds;
		this.bucketCount = options.buckets;
		for (const family of protocolFamilies) {
			this.series.set(family, {bytes: new Float64Array(this.bucketCount), packets: new Float64Array(this.bucketCount)});
		}
	}

	/** `time` is the summary's capture time in ms since the epoch. */
	update(time: number, counters: Record<ProtocolFamily, TrafficCounter>): void {
		const elapsed = this.previousTime === undefined ? -1 : time - this.previousTime;
		const continuous = elapsed >= 0 && protocolFamilies.every(family => {
			const before = this.previous.get(family);
			const now = counters[family];
			return before !== undefined && now !== undefined && now.bytes >= before.bytes && now.packets >= before.packets;
		});
		if (continuous && elapsed > 0) {
			const start = this.virtualTime;
			this.advanceTo(start + elapsed);
			for (const family of protocolFamilies) {
				const before = this.previous.get(family);
				const series = this.series.get(family);
				if (before && series) {
					this.spread(series.bytes, start, elapsed, counters[family].bytes - before.bytes);
					this.spread(series.packets, start, elapsed, counters[family].packets - before.packets);
				}
			}
		}

		if (!continuous || elapsed > 0) {
			this.previousTime = time;
			for (const family of protocolFamilies) {
				const counter = counters[family];
				this.previous.set(family, {bytes: counter?.bytes ?? 0, packets: counter?.packets ?? 0});
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

	private advanceTo(time: number): void {
		const target = Math.floor(time / this.bucketMilliseconds);
		const first = Math.max(this.newestBucket + 1, target - this.bucketCount + 1);
		for (let bucket = first; bucket <= target; bucket++) {
			const slot = bucket % this.bucketCount;
			for (const series of this.series.values()) {
				series.bytes[slot] = 0;
				series.packets[slot] = 0;
			}
		}

		this.newestBucket = Math.max(this.newestBucket, target);
		this.virtualTime = time;
	}

	private spread(values: Float64Array, start: number, elapsed: number, amount: number): void {
		if (amount <= 0) {
			return;
		}

		const end = start + elapsed;
		const lastBucket = Math.floor((end - 1e-9) / this.bucketMilliseconds);
		const firstBucket = Math.max(Math.floor(start / this.bucketMilliseconds), lastBucket - this.bucketCount + 1);
		for (let bucket = firstBucket; bucket <= lastBucket; bucket++) {
			const from = Math.max(start, bucket * this.bucketMilliseconds);
			const to = Math.min(end, (bucket + 1) * this.bucketMilliseconds);
			if (to > from) {
				values[bucket % this.bucketCount] = (values[bucket % this.bucketCount] ?? 0) + amount * (to - from) / elapsed;
			}
		}
	}
}
