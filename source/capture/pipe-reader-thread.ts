// The thread behind PipeRingStream: reads the pipe into the ring as far ahead as the ring allows.
// The pipe's description is non-blocking so the thread is never stuck in a read when the reader closes
// (a thread blocked in read() holds up the process's exit until the writer writes): an empty pipe is
// polled again after a wait that starts short, since a streaming writer refills 64 KiB in well under
// a millisecond, and backs off while the pipe stays empty.
import {readSync} from 'node:fs';
import {workerData} from 'node:worker_threads';
import {ringSlot, ringState, type PipeRingData} from './pipe-ring-layout.js';

const shortestPollMillis = 0.05;
const longestPollMillis = 10;
/** While the ring is full the thread sleeps on `released`; a stop wakes it sooner. */
const fullRingWaitMillis = 100;

const {fd, ring, control} = workerData as PipeRingData;
const bytes = new Uint8Array(ring);
let pollMillis = shortestPollMillis;
let written = 0;

function stopAsked(): boolean {
	return Atomics.load(control, ringSlot.state) === ringState.stopAsked;
}

try {
	while (!stopAsked()) {
		const released = Atomics.load(control, ringSlot.released);
		const free = bytes.length - ((written - released) >>> 0);
		if (free === 0) {
			Atomics.wait(control, ringSlot.released, released, fullRingWaitMillis);
			continue;
		}
		const offset = (written >>> 0) % bytes.length;
		let length: number;
		try {
			length = readSync(fd, bytes, offset, Math.min(free, bytes.length - offset), null);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
			Atomics.wait(control, ringSlot.state, ringState.reading, pollMillis);
			pollMillis = Math.min(longestPollMillis, pollMillis * 2);
			continue;
		}
		pollMillis = shortestPollMillis;
		if (length === 0) {
			Atomics.compareExchange(control, ringSlot.state, ringState.reading, ringState.ended);
			break;
		}
		written = (written + length) | 0;
		Atomics.store(control, ringSlot.written, written);
		Atomics.notify(control, ringSlot.written);
	}
} finally {
	Atomics.notify(control, ringSlot.written);
}
