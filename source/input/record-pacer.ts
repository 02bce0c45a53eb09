// When each record of a finished NDJSON file falls due: at its capture time, at the chosen speed, as
// the worker paces a capture file's packets; a capture-time gap over a minute passes in one second.
// Records without a capture time (an end, an error) and records older than the position (a held
// finding raised late) are due at once.
import type {Clock} from '../model/clock.js';
import type {Speed} from '../options.js';

const longGapMilliseconds = 60_000;
const longGapReplayedAs = 1000;

export class RecordPacer {
	private anchorWall = 0;
	/** Capture time at `anchorWall`; undefined until the first record with one. */
	private anchorCapture: number | undefined;
	/** The newest capture time delivered so far. */
	private newest = Number.NEGATIVE_INFINITY;
	private pausedAt: number | undefined;

	constructor(private readonly clock: Clock, private speed: Speed) {}

	get currentSpeed(): Speed {
		return this.speed;
	}

	get paused(): boolean {
		return this.pausedAt !== undefined;
	}

	/** Wall milliseconds until a record of that capture time (ms) is due: 0 when due now, Infinity while paused. */
	wait(captureTime: number | undefined): number {
		if (this.pausedAt !== undefined) {
			return Number.POSITIVE_INFINITY;
		}

		if (captureTime === undefined || this.anchorCapture === undefined || this.speed === 'max' || captureTime <= this.newest) {
			return 0;
		}

		const position = this.position();
		if (captureTime - Math.max(this.newest, position) > longGapMilliseconds) {
			// Moves the anchor on so the gap takes a second of capture time at this speed.
			this.anchorCapture += captureTime - Math.max(this.newest, position) - longGapReplayedAs;
		}

		return Math.max(0, (captureTime - this.position()) / this.speed);
	}

	/** A record of that capture time was delivered. */
	delivered(captureTime: number | undefined): void {
		if (captureTime === undefined) {
			return;
		}

		if (this.anchorCapture === undefined) {
			this.anchorWall = this.clock.now();
			this.anchorCapture = captureTime;
		}

		this.newest = Math.max(this.newest, captureTime);
	}

	setSpeed(speed: Speed): void {
		this.reanchor();
		this.speed = speed;
	}

	pause(): void {
		if (this.pausedAt === undefined) {
			this.reanchor();
			this.pausedAt = this.clock.now();
		}
	}

	resume(): void {
		if (this.pausedAt !== undefined) {
			this.pausedAt = undefined;
			this.anchorWall = this.clock.now();
		}
	}

	/** Capture time now, ms; while paused, where it stopped. */
	private position(): number {
		if (this.anchorCapture === undefined) {
			return Number.NEGATIVE_INFINITY;
		}

		const wall = (this.pausedAt ?? this.clock.now()) - this.anchorWall;
		// At 'max' everything is due at once: the position is the newest record's.
		return this.speed === 'max' ? Math.max(this.newest, this.anchorCapture) : this.anchorCapture + wall * this.speed;
	}

	private reanchor(): void {
		if (this.anchorCapture !== undefined && this.pausedAt === undefined) {
			this.anchorCapture = this.position();
			this.anchorWall = this.clock.now();
		}
	}
}
