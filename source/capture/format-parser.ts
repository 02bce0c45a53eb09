// What the capture reader asks of each file format (classic pcap, pcapng), and the queue of unread
// input bytes the formats read records from.
import type {PacketRecord} from '../decode/packet-record.js';

export const parseSteps = {
	/** `record` holds the next packet. */
	packet: 0,
	/** The next record is not complete yet; `pendingLength` says how many bytes it needs. */
	needMore: 1,
	/** Reading cannot go on (a corrupt record was reported). */
	stop: 2,
} as const;

export type ParseStep = (typeof parseSteps)[keyof typeof parseSteps];

/** Where a parser reports what it skipped; `position` is the stream offset of the bad record. */
export interface ParseProblems {
	corrupt(position: number, detail: string): void;
	unsupportedBlock(): void;
}

export interface FormatParser {
	/** Bytes the record at the head of the queue needs in total (meaningful after `needMore`). */
	readonly pendingLength: number;
	/** True until the file header (pcap's, or pcapng's first section header block) has been read whole. */
	readonly inFileHeader: boolean;
	next(queue: ByteQueue, record: PacketRecord, problems: ParseProblems): ParseStep;
}

const noBytes = new Uint8Array(0);

/**
 * The unread bytes of a capture stream, kept as the chunks they arrived in. Records are parsed in
 * place inside a chunk; only a record that straddles chunks is copied, into one reusable buffer.
 * The chunk being read is open as `head` from `headStart`, so a parser can read a record that lies
 * inside it (nearly every record) straight from there and `skip` it, without `ensure`.
 */
export class ByteQueue {
	/** Unread bytes across all chunks. */
	available = 0;
	/** Stream offset of the first unread byte. */
	position = 0;
	/** After a successful `ensure`, the bytes to read from and where they start. */
	view: Uint8Array = noBytes;
	viewOffset = 0;
	/** The first chunk with unread bytes (empty when none), and its first unread byte. */
	head: Uint8Array = noBytes;
	headStart = 0;

	/** The chunks after `head`. */
	private readonly rest: Uint8Array[] = [];
	private carry = new Uint8Array(64 * 1024);

	/** Fully read chunks whose last record may still be in use (see `releaseRead`). */
	private readonly readChunks: Uint8Array[] = [];

	/** `release` hears of each appended chunk once it is read and `releaseRead` says its records are done with. */
	constructor(private readonly release: (chunk: Uint8Array) => void = () => {}) {}

	/** The records read so far are no longer in use: their fully read chunks go to `release`. */
	releaseRead(): void {
		if (this.readChunks.length === 0) return;
		for (const chunk of this.readChunks) this.release(chunk);
		this.readChunks.length = 0;
	}

	append(chunk: Uint8Array): void {
		if (chunk.length === 0) return;
		// Streams hand Buffers, the carry and every view made downstream are plain Uint8Arrays: one kind
		// of array through decoding, flows and detection keeps their optimized code for a single map,
		// where a Buffer here and a Uint8Array there deoptimized the decoder and all that inlined it.
		const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
		if (this.head.length === 0) {
			this.head = bytes;
			this.headStart = 0;
		} else {
			this.rest.push(bytes);
		}
		this.available += chunk.length;
	}

	/** Makes the next `length` bytes contiguous in `view` at `viewOffset`; false when fewer are available. */
	ensure(length: number): boolean {
		if (this.available < length) return false;
		const head = this.head;
		if (head.length - this.headStart >= length) {
			this.view = head;
			this.viewOffset = this.headStart;
			return true;
		}
		if (this.carry.length < length) this.carry = new Uint8Array(Math.max(length, this.carry.length * 2));
		let copied = head.length - this.headStart;
		this.carry.set(head.subarray(this.headStart), 0);
		for (let index = 0; copied < length; index++) {
			const chunk = this.rest[index]!;
			const take = Math.min(chunk.length, length - copied);
			this.carry.set(chunk.subarray(0, take), copied);
			copied += take;
		}
		this.view = this.carry;
		this.viewOffset = 0;
		return true;
	}

	/** Drops `length` bytes from the front; fully read chunks are released. */
	consume(length: number): void {
		this.available -= length;
		this.position += length;
		let start = this.headStart + length;
		while (start >= this.head.length && this.head.length > 0) {
			start -= this.head.length;
			this.readChunks.push(this.head);
			this.head = this.rest.shift() ?? noBytes;
		}
		this.headStart = start;
	}

	/** `consume` for bytes that lie inside `head` (a record read in place there). */
	skip(length: number): void {
		this.available -= length;
		this.position += length;
		const start = this.headStart + length;
		if (start < this.head.length) {
			this.headStart = start;
			return;
		}
		this.readChunks.push(this.head);
		this.head = this.rest.shift() ?? noBytes;
		this.headStart = 0;
	}

	/** Forgets every unread byte (reading has stopped for good). */
	clear(): void {
		this.position += this.available;
		this.available = 0;
		if (this.head.length > 0) this.readChunks.push(this.head);
		this.readChunks.push(...this.rest);
		this.releaseRead();
		this.head = noBytes;
		this.headStart = 0;
		this.rest.length = 0;
	}
}
