// One direction of a TCP connection reassembled in order from its first byte seen, up to a cap:
// retransmitted and overlapping bytes are dropped, out-of-order segments wait (bounded) for the gap.

interface PendingSegment {
	/** Offset from the first byte of the stream. */
	offset: number;
	bytes: Uint8Array;
}

const maxPendingSegments = 32;
const initialCapacity = 2048;
const empty = new Uint8Array(0);

/**
 * First buffers of released streams, for the next streams to start with: most flows are classified
 * after their first payload, and a fresh zero-filled buffer per direction was most of the garbage
 * detection made. Safe because `bytes()` views are valid only until the next packet.
 */
const spareBuffers: Uint8Array[] = [];
const maxSpareBuffers = 4096;

function firstBuffer(): Uint8Array {
	return spareBuffers.pop() ?? new Uint8Array(initialCapacity);
}

function recycle(buffer: Uint8Array | undefined): void {
	if (buffer?.length === initialCapacity && spareBuffers.length < maxSpareBuffers) spareBuffers.push(buffer);
}

export class TcpStream {
	/** In-order bytes held. */
	length = 0;
	private buffer: Uint8Array | undefined;
	private view: Uint8Array = empty;
	/** Sequence number of the stream's first byte. */
	private base = 0;
	private anchored = false;
	private pending: PendingSegment[] | undefined;
	private pendingBytes = 0;
	private stopped = false;

	constructor(private readonly cap: number) {}

	/** The SYN's ISN fixes where the stream starts; a repeated SYN with a new ISN moves it while no data came. */
	anchorAtSyn(sequence: number): void {
		if (this.length > 0 || this.pending !== undefined) return;
		this.base = (sequence + 1) >>> 0;
		this.anchored = true;
	}

	/** Adds one segment's payload; returns how many new in-order bytes that made. */
	add(sequence: number, data: Uint8Array, offset: number, length: number): number {
		if (this.stopped || length <= 0) return 0;
		if (!this.anchored) {
			this.base = sequence;
			this.anchored = true;
		}
		// Signed distance modulo 2^32, so sequence numbers wrapping past zero still line up.
		let relative = (sequence - this.base) | 0;
		let start = offset;
		let count = length;
		if (relative < 0) {
			if (relative + count <= 0) return 0;
			start -= relative;
			count += relative;
			relative = 0;
		}
		if (relative > this.length) {
			this.hold(relative, data, start, count);
			return 0;
		}
		const before = this.length;
		const overlap = this.length - relative;
		if (overlap >= count) return 0;
		this.append(data, start + overlap, count - overlap);
		this.drainPending();
		return this.length - before;
	}

	/** The in-order bytes; valid until the next `add`. */
	bytes(): Uint8Array {
		if (this.buffer === undefined) return empty;
		if (this.view.length !== this.length) this.view = this.buffer.subarray(0, this.length);
		return this.view;
	}

	/** No more bytes wanted: free the buffers. */
	release(): void {
		this.stopped = true;
		recycle(this.buffer);
		this.buffer = undefined;
		this.view = empty;
		this.pending = undefined;
		this.pendingBytes = 0;
	}

	get released(): boolean {
		return this.stopped && this.buffer === undefined;
	}

	private append(data: Uint8Array, start: number, count: number): void {
		const take = Math.min(count, this.cap - this.length);
		if (take <= 0) return;
		const needed = this.length + take;
		if (this.buffer === undefined && needed <= initialCapacity && this.cap >= initialCapacity) {
			this.buffer = firstBuffer();
		} else if (this.buffer === undefined || this.buffer.length < needed) {
			let capacity = Math.max(this.buffer?.length ?? initialCapacity, initialCapacity);
			while (capacity < needed) capacity *= 2;
			const grown = new Uint8Array(Math.min(capacity, this.cap));
			if (this.buffer !== undefined) grown.set(this.buffer.subarray(0, this.length));
			recycle(this.buffer);
			this.buffer = grown;
		}
		this.buffer.set(new Uint8Array(data.buffer, data.byteOffset + start, take), this.length);
		this.length = needed;
		if (this.length >= this.cap) {
			// Full: nothing later can land, so only the out-of-order segments go; the bytes stay readable.
			this.stopped = true;
			this.pending = undefined;
			this.pendingBytes = 0;
		}
	}

	private hold(relative: number, data: Uint8Array, start: number, count: number): void {
		if (relative >= this.cap) return;
		const kept = Math.min(count, this.cap - relative);
		this.pending ??= [];
		if (this.pending.length >= maxPendingSegments || this.pendingBytes + kept > this.cap) return;
		// A copy: on a Buffer (what captures hand over) `slice` is a view that would pin the whole read chunk.
		this.pending.push({offset: relative, bytes: Uint8Array.prototype.slice.call(data, start, start + kept)});
		this.pendingBytes += kept;
	}

	private drainPending(): void {
		let progressed = true;
		while (progressed && this.pending !== undefined && this.pending.length > 0) {
			progressed = false;
			for (let index = 0; index < this.pending.length; index++) {
				const segment = this.pending[index]!;
				if (segment.offset > this.length) continue;
				this.pending.splice(index, 1);
				this.pendingBytes -= segment.bytes.length;
				const overlap = this.length - segment.offset;
				if (overlap < segment.bytes.length) this.append(segment.bytes, overlap, segment.bytes.length - overlap);
				progressed = true;
				break;
			}
		}
	}
}
