// A pipe on standard input read by a thread of its own into a shared ring. Each read of a pipe
// returns at most its 64 KiB capacity: read on the capture worker's thread, the 25,000 reads of the
// 1.6 GB bench capture (and the stream work around each) cost the worker 2.2-2.5 s of CPU beside its
// 6.6 s from the file, and it waited whenever the writer had not refilled the pipe in time. The thread
// keeps up to the ring's size read ahead; the worker takes whatever has arrived as one chunk.
import {close} from 'node:fs';
import {Readable} from 'node:stream';
import {Worker} from 'node:worker_threads';
import {readFailure} from './input-error.js';
import {ringSlot, ringState, type PipeRingData} from './pipe-ring-layout.js';

const ringBytes = 16 * 1024 * 1024;
/** Chunks handed to the reader stay about the size of a file read. */
const largestChunkBytes = 4 * 1024 * 1024;

/** Where each chunk handed out ends, in ring positions, so releasing one frees the ring up to there. */
interface OutstandingChunk {
	byteOffset: number;
	end: number;
}

export class PipeRingStream extends Readable {
	bytesRead = 0;
	private readonly ring = new SharedArrayBuffer(ringBytes);
	private readonly control = new Int32Array(new SharedArrayBuffer(ringSlot.count * Int32Array.BYTES_PER_ELEMENT));
	private readonly thread: Worker;
	/** Ring position (bytes mod 2^32) up to which chunks have been handed out. */
	private taken = 0;
	private readonly outstanding: OutstandingChunk[] = [];
	private waiting = false;

	/** `fd`: the pipe as a non-blocking description of its own, closed here once the thread has exited. */
	constructor(fd: number, name: string) {
		super({highWaterMark: largestChunkBytes});
		const workerData: PipeRingData = {fd, ring: this.ring, control: this.control};
		this.thread = new Worker(new URL('pipe-reader-thread.js', import.meta.url), {workerData});
		// Closed by the thread that opened it: Node warns of a descriptor closed by another thread.
		this.thread.on('exit', () => close(fd, () => {}));
		this.thread.on('error', error => this.destroy(readFailure(name, error)));
	}

	/** The reader is done with `chunk` and every chunk before it; other memory is ignored. */
	releaseChunk(chunk: Uint8Array): void {
		if (chunk.buffer !== this.ring) return;
		const index = this.outstanding.findIndex(outstanding => outstanding.byteOffset === chunk.byteOffset);
		if (index < 0) return;
		const {end} = this.outstanding[index]!;
		this.outstanding.splice(0, index + 1);
		Atomics.store(this.control, ringSlot.released, end);
		Atomics.notify(this.control, ringSlot.released);
	}

	override _read(): void {
		this.pushArrived();
	}

	private pushArrived(): void {
		for (;;) {
			const written = Atomics.load(this.control, ringSlot.written);
			if (written !== this.taken) {
				const offset = (this.taken >>> 0) % ringBytes;
				const length = Math.min(((written - this.taken) >>> 0), ringBytes - offset, largestChunkBytes);
				this.taken = (this.taken + length) | 0;
				this.bytesRead += length;
				this.outstanding.push({byteOffset: offset, end: this.taken});
				if (!this.push(Buffer.from(this.ring, offset, length))) return;
				continue;
			}
			if (Atomics.load(this.control, ringSlot.state) === ringState.ended) {
				// The thread's last read may have landed between the look at `written` above and this one.
				if (Atomics.load(this.control, ringSlot.written) !== written) continue;
				this.push(null);
				return;
			}
			if (this.waiting) return;
			const wait = Atomics.waitAsync(this.control, ringSlot.written, written);
			if (!wait.async) continue;
			this.waiting = true;
			void wait.value.then(() => {
				this.waiting = false;
				if (!this.destroyed) this.pushArrived();
			});
			return;
		}
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		// The thread kept the process alive while the stream read (a pending Atomics.waitAsync does not).
		this.thread.unref();
		Atomics.store(this.control, ringSlot.state, ringState.stopAsked);
		Atomics.notify(this.control, ringSlot.state);
		Atomics.notify(this.control, ringSlot.released);
		// The thread's own wait ends within a poll; it needs no join.
		callback(error);
	}
}
