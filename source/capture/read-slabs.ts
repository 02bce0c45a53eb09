// Memory for capture input reads: 4 MiB slabs that reads fill front to back, so short reads share one
// buffer instead of each holding (and making the collector sweep) one of their own. A slab whose
// chunks the reader has all released serves later reads: a fresh 4 MiB per read made the collector
// run for the external memory alone and the kernel fault in new pages, a fifth of replay's CPU time
// on the real-traffic bench. Chunks nobody releases leave their slab to the
// collector.

const slabBytes = 4 * 1024 * 1024;
/** A slab with less room than this left is retired rather than asked for a short read. */
const smallestReadBytes = 64 * 1024;
/** Released slabs kept for the next reads; the reader holds at most a few slabs' worth at a time. */
const spareSlabLimit = 2;

export class ReadSlabs {
	static readonly slabBytes = slabBytes;
	private slab: Buffer = Buffer.allocUnsafe(slabBytes);
	private used = 0;
	/** For each slab with chunks out, how many the reader has not released yet. */
	private readonly chunksOut = new Map<ArrayBufferLike, {slab: Buffer; chunks: number}>();
	private readonly spares: Buffer[] = [];

	/** Where the next read lands: the free tail of the current slab, at least 64 KiB. */
	room(): Buffer {
		if (this.slab.length - this.used < smallestReadBytes) {
			// A slab with every chunk back starts over; one with chunks out is left to them.
			if (this.chunksOut.has(this.slab.buffer)) this.slab = this.spares.pop() ?? Buffer.allocUnsafe(slabBytes);
			this.used = 0;
		}
		return this.slab.subarray(this.used);
	}

	/** The `length` bytes the last read put at the start of `room()`, as a chunk for the reader. */
	take(length: number): Buffer {
		const {slab} = this;
		const chunk = slab.subarray(this.used, this.used + length);
		this.used += length;
		const out = this.chunksOut.get(slab.buffer);
		if (out === undefined) this.chunksOut.set(slab.buffer, {slab, chunks: 1});
		else out.chunks++;
		return chunk;
	}

	/** The reader is done with `chunk`; chunks not taken from these slabs are ignored. */
	release(chunk: Uint8Array): void {
		const out = this.chunksOut.get(chunk.buffer);
		if (out === undefined || --out.chunks > 0) return;
		this.chunksOut.delete(chunk.buffer);
		if (out.slab !== this.slab && this.spares.length < spareSlabLimit) this.spares.push(out.slab);
	}
}
