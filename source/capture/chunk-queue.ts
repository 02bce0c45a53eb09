// The unread bytes of a capture stream, kept as the chunks they arrived in. Records are parsed in
// place inside a chunk; only a record that straddles chunks is copied, into one reusable buffer.

export class ChunkQueue {
	/** Unread bytes across all chunks. */
	available = 0;
	/** Stream offset of the first unread byte. */
	position = 0;
	/** After a successful `ensure`, the bytes to read from and where they start. */
	view: Uint8Array = new Uint8Array(0);
	viewOffset = 0;

	private readonly chunks: Uint8Array[] = [];
	private headOffset = 0;
	private carry = new Uint8Array(64 * 1024);

	append(chunk: Uint8Array): void {
		if (chunk.length === 0) return;
		// Streams hand Buffers, the carry and every view made downstream are plain Uint8Arrays: one kind
		// of array through decoding, flows and detection keeps their optimized code for a single map,
		// where a Buffer here and a Uint8Array there deoptimized the decoder and all that inlined it.
		this.chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
		this.available += chunk.length;
	}

	/** Makes the next `length` bytes contiguous in `view` at `viewOffset`; false when fewer are available. */
	ensure(length: number): boolean {
		if (this.available < length) return false;
		const head = this.chunks[0];
		if (head === undefined) return length === 0;
		if (head.length - this.headOffset >= length) {
			this.view = head;
			this.viewOffset = this.headOffset;
			return true;
		}
		if (this.carry.length < length) this.carry = new Uint8Array(Math.max(length, this.carry.length * 2));
		let copied = 0;
		let chunkOffset = this.headOffset;
		for (let index = 0; copied < length; index++) {
			const chunk = this.chunks[index]!;
			const take = Math.min(chunk.length - chunkOffset, length - copied);
			this.carry.set(chunk.subarray(chunkOffset, chunkOffset + take), copied);
			copied += take;
			chunkOffset = 0;
		}
		this.view = this.carry;
		this.viewOffset = 0;
		return true;
	}

	/** Drops `length` bytes from the front; fully read chunks are released. */
	consume(length: number): void {
		this.available -= length;
		this.position += length;
		this.headOffset += length;
		while (this.chunks.length > 0 && this.headOffset >= this.chunks[0]!.length) {
			this.headOffset -= this.chunks[0]!.length;
			this.chunks.shift();
		}
	}

	/** Forgets every unread byte (reading has stopped for good). */
	clear(): void {
		this.position += this.available;
		this.available = 0;
		this.chunks.length = 0;
		this.headOffset = 0;
	}
}

export function readUint16(bytes: Uint8Array, offset: number, bigEndian: boolean): number {
	return bigEndian ? (bytes[offset]! << 8) | bytes[offset + 1]! : bytes[offset]! | (bytes[offset + 1]! << 8);
}

export function readUint32(bytes: Uint8Array, offset: number, bigEndian: boolean): number {
	return bigEndian
		? ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0
		: (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** A signed 64-bit integer as a number (exact up to 2^53). */
export function readInt64(bytes: Uint8Array, offset: number, bigEndian: boolean): number {
	const high = readUint32(bytes, bigEndian ? offset : offset + 4, bigEndian);
	const low = readUint32(bytes, bigEndian ? offset + 4 : offset, bigEndian);
	const signedHigh = high >= 0x80000000 ? high - 0x100000000 : high;
	return signedHigh * 0x100000000 + low;
}
