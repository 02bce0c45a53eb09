// Classic libpcap files: microsecond, nanosecond and Kuznetsov (modified) variants, either byte order.
import {readUint32} from './byte-order.js';
import {parseSteps, type ByteQueue, type FormatParser, type ParseProblems, type ParseStep} from './format-parser.js';
import type {PacketRecord} from '../decode/packet-record.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {needMore: stepNeedMore, packet: stepPacket, stop: stepStop} = parseSteps;

const fileHeaderLength = 24;
const recordHeaderLength = 16;
/** Kuznetsov's patched libpcap adds ifindex, protocol, pkt_type and padding to each record header. */
const modifiedRecordHeaderLength = 24;
/** libpcap's own ceiling for a sane captured length, whatever the snaplen claims. */
const standardMaximumCaptureLength = 262144;
const absoluteMaximumCaptureLength = 16 * 1024 * 1024;
/** The link type lives in the low bits; the high bits carry FCS information. */
const linkTypeMask = 0x03ffffff;

interface PcapVariant {
	bigEndian: boolean;
	nanosecond: boolean;
	modified: boolean;
}

const variantsByMagic = new Map<number, PcapVariant>([
	[0xa1b2c3d4, {bigEndian: true, nanosecond: false, modified: false}],
	[0xd4c3b2a1, {bigEndian: false, nanosecond: false, modified: false}],
	[0xa1b23c4d, {bigEndian: true, nanosecond: true, modified: false}],
	[0x4d3cb2a1, {bigEndian: false, nanosecond: true, modified: false}],
	[0xa1b2cd34, {bigEndian: true, nanosecond: false, modified: true}],
	[0x34cdb2a1, {bigEndian: false, nanosecond: false, modified: true}],
]);

/** True when the first four bytes of a file, read big-endian, are a pcap magic in either byte order. */
export function isPcapMagic(firstWordBigEndian: number): boolean {
	return variantsByMagic.has(firstWordBigEndian);
}

export class PcapParser implements FormatParser {
	pendingLength = fileHeaderLength;

	private variant: PcapVariant | undefined;
	private bigEndian = false;
	private nanosecond = false;
	private linkType = 0;
	private maximumCaptureLength = standardMaximumCaptureLength;
	private headerLength = recordHeaderLength;

	get inFileHeader(): boolean {
		return this.variant === undefined;
	}

	next(queue: ByteQueue, record: PacketRecord, problems: ParseProblems): ParseStep {
		if (this.variant === undefined && !this.readFileHeader(queue)) return stepNeedMore;
		// Nearly every record lies inside the chunk being read: read it there, in one piece.
		const head = queue.head;
		const start = queue.headStart;
		const headerLength = this.headerLength;
		const inHead = head.length - start;
		if (inHead >= headerLength) {
			const capturedLength = this.read32(head, start + 8);
			const length = headerLength + capturedLength;
			if (inHead >= length && capturedLength <= this.maximumCaptureLength) {
				this.fill(record, head, start, capturedLength);
				this.pendingLength = length;
				queue.skip(length);
				return stepPacket;
			}
		}
		this.pendingLength = headerLength;
		if (!queue.ensure(headerLength)) return stepNeedMore;
		let bytes = queue.view;
		let offset = queue.viewOffset;
		const capturedLength = this.read32(bytes, offset + 8);
		if (capturedLength > this.maximumCaptureLength) {
			problems.corrupt(queue.position, `record claims ${capturedLength} captured bytes (limit ${this.maximumCaptureLength})`);
			return stepStop;
		}
		this.pendingLength = headerLength + capturedLength;
		if (!queue.ensure(this.pendingLength)) return stepNeedMore;
		bytes = queue.view;
		offset = queue.viewOffset;
		this.fill(record, bytes, offset, capturedLength);
		queue.consume(this.pendingLength);
		return stepPacket;
	}

	/** Points `record` at the record whose header starts at bytes[offset]. */
	private fill(record: PacketRecord, bytes: Uint8Array, offset: number, capturedLength: number): void {
		const seconds = this.read32(bytes, offset);
		const fraction = this.read32(bytes, offset + 4);
		record.linkType = this.linkType;
		record.timestampMicros = seconds * 1_000_000 + (this.nanosecond ? Math.floor(fraction / 1000) : fraction);
		record.data = bytes;
		record.offset = offset + this.headerLength;
		record.capturedLength = capturedLength;
		const originalLength = this.read32(bytes, offset + 12);
		record.originalLength = originalLength > capturedLength ? originalLength : capturedLength;
	}

	/** A header field in the file's byte order. */
	private read32(bytes: Uint8Array, offset: number): number {
		return this.bigEndian
			? ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0
			: (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
	}

	private readFileHeader(queue: ByteQueue): boolean {
		if (!queue.ensure(fileHeaderLength)) return false;
		const bytes = queue.view;
		const offset = queue.viewOffset;
		const variant = variantsByMagic.get(readUint32(bytes, offset, true));
		if (variant === undefined) throw new RangeError('PcapParser used on a file without a pcap magic');
		const snaplen = readUint32(bytes, offset + 16, variant.bigEndian);
		this.variant = variant;
		this.bigEndian = variant.bigEndian;
		this.nanosecond = variant.nanosecond;
		this.linkType = readUint32(bytes, offset + 20, variant.bigEndian) & linkTypeMask;
		this.maximumCaptureLength = Math.min(Math.max(snaplen, standardMaximumCaptureLength), absoluteMaximumCaptureLength);
		this.headerLength = variant.modified ? modifiedRecordHeaderLength : recordHeaderLength;
		queue.consume(fileHeaderLength);
		return true;
	}
}
