// A clock for tests, moved by hand (see source/model/clock.ts).
import type {Clock} from '../../source/model/clock.js';

/**
 * A clock that moves only when the test moves it: a wake-up runs when time is advanced to it, so what
 * runs on it (a paced packet, a UI refresh) happens exactly when due, whatever the machine's load.
 */
export class ManualClock implements Clock {
	private nowMillis = 0;
	private wakeups: Array<{at: number; wake: () => void}> = [];
	/** Every delay asked for, in order. */
	readonly requested: number[] = [];

	now(): number {
		return this.nowMillis;
	}

	wakeAfter(millis: number, wake: () => void): () => void {
		const wakeup = {at: this.nowMillis + millis, wake};
		this.wakeups.push(wakeup);
		this.requested.push(millis);
		return () => {
			this.wakeups = this.wakeups.filter(other => other !== wakeup);
		};
	}

	get pending(): number {
		return this.wakeups.length;
	}

	/** Moves time to `millis`, running every wake-up due by then, in order. */
	advanceTo(millis: number): void {
		for (let next = this.earliest(); next !== undefined && next.at <= millis; next = this.earliest()) {
			this.fire(next);
		}

		this.nowMillis = Math.max(this.nowMillis, millis);
	}

	/** Moves time to the earliest wake-up and runs it; false when none is pending. */
	fireNext(): boolean {
		const next = this.earliest();
		if (next === undefined) return false;
		this.fire(next);
		return true;
	}

	private earliest(): {at: number; wake: () => void} | undefined {
		return this.wakeups.reduce<{at: number; wake: () => void} | undefined>((earliest, wakeup) => earliest === undefined || wakeup.at < earliest.at ? wakeup : earliest, undefined);
	}

	private fire(wakeup: {at: number; wake: () => void}): void {
		this.wakeups = this.wakeups.filter(other => other !== wakeup);
		this.nowMillis = Math.max(this.nowMillis, wakeup.at);
		wakeup.wake();
	}
}
