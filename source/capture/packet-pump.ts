// Moves packets from a byte stream through a CaptureReader to a consumer, either as fast as possible
// (live capture, `--speed max`) or paced to the capture's own timestamps (replay). Pacing holds the
// next packet until wall time since the schedule's base, times the speed, reaches its capture time.
import {performance} from 'node:perf_hooks';
import type {Readable} from 'node:stream';
import {systemClock, type Clock} from '../model/clock.js';
import type {CaptureReader} from './capture-reader.js';
import type {PacketRecord} from '../decode/packet-record.js';

export type PumpEnd = 'end-of-file' | 'stopped' | 'count';

export interface PacketPumpOptions {
	readable: Readable;
	reader: CaptureReader;
	/** Called once per packet; the record is valid only during the call. */
	deliver(record: PacketRecord): void;
	/** 1 = recorded pace, 10 = ten times faster, 'max' = no pacing. Default 'max'. */
	speed?: number | 'max';
	/** End with 'count' after this many packets. */
	maxPackets?: number;
	/** The wall clock pacing runs on; default the system's. */
	clock?: Clock;
}

/** Above this many unread bytes in the reader, the source is paused until packets are taken. */
const readerHighWaterBytes = 4 * 1024 * 1024;
/** Packets this far behind the latest delivered one count as reordered, not as a clock step back. */
const reorderToleranceMicros = 1_000_000;
/** Node turns longer timer delays into 1 ms; a long wait is taken in steps and re-checked instead. */
const longestTimerMillis = 60_000;
/**
 * A capture-time gap longer than this (files merged from two captures, a link idle overnight) is
 * replayed as one second of wall time: nobody watching a replay wants to wait out an empty night.
 */
const longestReplayedGapMicros = 60_000_000;
const shortenedGapMillis = 1000;
/** How long a burst of packets may run before the event loop gets a turn (control messages, timers). */
const burstMillis = 20;
const burstPackets = 4096;
/** Clock checks are cheap but not free: look at the time only every this many packets. */
const clockCheckInterval = 256;

function ignoreLateError(): void {}

export class PacketPump {
	private readonly readable: Readable;
	private readonly reader: CaptureReader;
	private readonly deliver: (record: PacketRecord) => void;
	private readonly maxPackets: number | undefined;
	private readonly clock: Clock;
	private speed: number | 'max';
	private delivered = 0;
	private bytesAppended = 0;

	private userPaused = false;
	private pausedAtMillis = 0;
	/** Pacing schedule: capture time `baseCaptureMicros` is due at wall time `baseWallMillis`. */
	private scheduled = false;
	private baseWallMillis = 0;
	private baseCaptureMicros = 0;
	/** Latest capture time delivered since the schedule's base was set. */
	private frontierMicros = 0;
	/** Capture time of the packet whose long gap was already shortened, so it is shortened once. */
	private shortenedGapEnd = Number.NaN;

	private held: PacketRecord | undefined;
	private waitingForData = false;
	private cancelWakeup: (() => void) | undefined;
	private immediate: NodeJS.Immediate | undefined;
	private sourceEnded = false;
	private pumping = false;
	private running = false;
	private finished = false;
	private settle: ((end: PumpEnd) => void) | undefined;
	private fail: ((error: unknown) => void) | undefined;

	constructor(options: PacketPumpOptions) {
		this.readable = options.readable;
		this.reader = options.reader;
		this.deliver = options.deliver;
		this.maxPackets = options.maxPackets;
		this.speed = options.speed ?? 'max';
		this.clock = options.clock ?? systemClock;
	}

	get packetsDelivered(): number {
		return this.delivered;
	}

	/** The share of the input read so far that has been delivered (the rest waits in the reader). */
	get consumedFraction(): number {
		return this.bytesAppended === 0 ? 0 : (this.bytesAppended - this.reader.bufferedBytes) / this.bytesAppended;
	}

	get paused(): boolean {
		return this.userPaused;
	}

	/** Runs until the input ends, `stop()` is called or `maxPackets` is reached; rejects on a read error or a non-capture input. */
	run(): Promise<PumpEnd> {
		if (this.running) throw new Error('PacketPump.run called twice');
		this.running = true;
		return new Promise<PumpEnd>((resolve, reject) => {
			this.settle = resolve;
			this.fail = reject;
			if (this.finished) {
				resolve('stopped');
				return;
			}
			this.readable.on('data', this.onData);
			this.readable.on('end', this.onEnd);
			this.readable.on('close', this.onEnd);
			this.readable.on('error', this.onError);
			if (this.readable.readableEnded) this.onEnd();
			if (!this.userPaused) this.pump();
			else this.readable.pause();
		});
	}

	setSpeed(speed: number | 'max'): void {
		if (speed !== 'max' && !(speed > 0)) throw new RangeError(`replay speed must be positive, got ${speed}`);
		if (this.scheduled && this.speed !== 'max' && speed !== 'max') {
			const now = this.userPaused ? this.pausedAtMillis : this.clock.now();
			this.baseCaptureMicros += (now - this.baseWallMillis) * 1000 * this.speed;
			this.baseWallMillis = now;
		} else {
			this.scheduled = false;
		}
		this.speed = speed;
		if (this.cancelWakeup !== undefined) {
			this.cancelWakeup();
			this.cancelWakeup = undefined;
			this.pump();
		}
	}

	/** Stops delivering and stops the capture clock; `resume()` continues where it was. */
	pause(): void {
		if (this.userPaused || this.finished) return;
		this.userPaused = true;
		this.pausedAtMillis = this.clock.now();
		this.cancelWakeups();
		if (this.running) this.readable.pause();
	}

	resume(): void {
		if (!this.userPaused || this.finished) return;
		this.userPaused = false;
		this.baseWallMillis += this.clock.now() - this.pausedAtMillis;
		if (this.running) this.pump();
	}

	stop(): void {
		this.end('stopped');
	}

	private readonly onData = (chunk: Buffer): void => {
		this.bytesAppended += chunk.length;
		this.reader.append(chunk);
		if (this.waitingForData && !this.userPaused) this.pump();
		else if (this.reader.bufferedBytes > readerHighWaterBytes) this.readable.pause();
	};

	private readonly onEnd = (): void => {
		if (this.sourceEnded) return;
		this.sourceEnded = true;
		this.reader.finish();
		if (this.waitingForData && !this.userPaused) this.pump();
	};

	private readonly onError = (error: Error): void => {
		this.end(undefined, error);
	};

	private pump(): void {
		// resume() or setSpeed() called from inside deliver() must not start a second loop.
		if (this.pumping) return;
		this.pumping = true;
		this.waitingForData = false;
		const burstStart = performance.now();
		let burst = 0;
		try {
			while (!this.finished && !this.userPaused) {
				if (this.maxPackets !== undefined && this.delivered >= this.maxPackets) {
					this.end('count');
					return;
				}
				const record = this.held ?? this.reader.next();
				if (record === undefined) {
					if (this.reader.done) this.end('end-of-file');
					else this.awaitData();
					return;
				}
				if (this.speed !== 'max') {
					const waitMillis = this.millisUntilDue(record.timestampMicros, this.speed);
					if (waitMillis > 0) {
						this.hold(record, waitMillis);
						return;
					}
				}
				this.held = undefined;
				if (record.timestampMicros > this.frontierMicros) this.frontierMicros = record.timestampMicros;
				this.delivered++;
				this.deliver(record);
				burst++;
				if (burst % clockCheckInterval === 0 && (burst >= burstPackets || performance.now() - burstStart >= burstMillis)) {
					this.immediate = setImmediate(() => {
						this.immediate = undefined;
						this.pump();
					});
					return;
				}
			}
		} catch (error) {
			this.end(undefined, error);
		} finally {
			this.pumping = false;
		}
	}

	private millisUntilDue(timestampMicros: number, speed: number): number {
		const now = this.clock.now();
		// A clock that steps back starts a new timeline (rather than racing through everything up to the
		// old time); slightly reordered packets just go out at once, so reordering cannot add up to drift.
		if (!this.scheduled || timestampMicros < this.frontierMicros - reorderToleranceMicros) {
			this.scheduled = true;
			this.baseWallMillis = now;
			this.baseCaptureMicros = timestampMicros;
			this.frontierMicros = timestampMicros;
			return 0;
		}
		if (timestampMicros <= this.frontierMicros) return 0;
		if (timestampMicros - this.frontierMicros > longestReplayedGapMicros && timestampMicros !== this.shortenedGapEnd) {
			// Re-base so this packet falls due one second after the last one delivered.
			const lastDueMillis = this.baseWallMillis + (this.frontierMicros - this.baseCaptureMicros) / 1000 / speed;
			this.baseWallMillis = lastDueMillis + shortenedGapMillis;
			this.baseCaptureMicros = timestampMicros;
			this.shortenedGapEnd = timestampMicros;
		}
		return this.baseWallMillis + (timestampMicros - this.baseCaptureMicros) / 1000 / speed - now;
	}

	private hold(record: PacketRecord, waitMillis: number): void {
		this.held = record;
		this.readable.pause();
		this.cancelWakeup = this.clock.wakeAfter(Math.min(Math.ceil(waitMillis), longestTimerMillis), () => {
			this.cancelWakeup = undefined;
			this.pump();
		});
	}

	private awaitData(): void {
		this.waitingForData = true;
		if (!this.sourceEnded) this.readable.resume();
	}

	private cancelWakeups(): void {
		this.cancelWakeup?.();
		if (this.immediate !== undefined) clearImmediate(this.immediate);
		this.cancelWakeup = undefined;
		this.immediate = undefined;
		this.waitingForData = false;
	}

	private end(reason: PumpEnd | undefined, error?: unknown): void {
		if (this.finished) return;
		this.finished = true;
		this.cancelWakeups();
		this.held = undefined;
		if (!this.running) return;
		this.readable.off('data', this.onData);
		this.readable.off('end', this.onEnd);
		this.readable.off('close', this.onEnd);
		this.readable.off('error', this.onError);
		// The owner may still be closing the source; an error from it now has no one left to tell.
		this.readable.on('error', ignoreLateError);
		this.readable.pause();
		if (reason === undefined) this.fail?.(error);
		else this.settle?.(reason);
	}
}
