// Wall time and wake-ups for what runs on the clock (replay pacing, the UI's refresh): tests pass a
// clock they move by hand, so they check when things fall due, not how long they took.
import {performance} from 'node:perf_hooks';

export interface Clock {
	/** Milliseconds, from any fixed origin. */
	now(): number;
	/** Calls `wake` once `millis` have passed; the function returned cancels it. */
	wakeAfter(millis: number, wake: () => void): () => void;
}

export const systemClock: Clock = {
	now: () => performance.now(),
	wakeAfter(millis, wake) {
		const timer = setTimeout(wake, millis);
		return () => clearTimeout(timer);
	},
};
