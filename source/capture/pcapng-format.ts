// pcapng files (IETF draft-ietf-opsawg-pcapng): sections in either byte order, several interfaces
// with their own link type, timestamp resolution and offset; enhanced, simple and obsolete packet blocks.
import {readInt64, readUint16, readUint32} from './byte-order.js';
import {parseSteps, type ByteQueue, type FormatParser, type ParseProblems, type ParseStep} from './format-parser.js';
import type {PacketRecord} from '../decode/packet-record.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {needMore: stepNeedMore, packet: stepPacket, stop: stepStop} = parseSteps;

export const sectionHeaderBlockType = 0x0a0d0d0a;

const blockTypes = {
	interfaceDescription: 1,
	obsoletePacket: 2,
	simplePacket: 3,
	nameResolution: 4,
	interfaceStatistics: 5,
	enhancedPacket: 6,
	decryptionSecrets: 0x0a,
	customCopyable: 0x00000bad,
	customNonCopyable: 0x40000bad,
} as const;

/** Blocks that carry nothing this reader needs; skipping them is not worth reporting. */
const ignoredBlockTypes = new Set<number>([
	blockTypes.nameResolution,
	blockTypes.interfaceStatistics,
	blockTypes.decryptionSecrets,
	blockTypes.customCopyable,
	blockTypes.customNonCopyable,
]);

const byteOrderMagic = 0x1a2b3c4d;
const byteOrderMagicSwapped = 0x4d3c2b1a;
/** Type, length and trailing length; also the smallest legal block. */
const blockOverhead = 12;
const maximumBlockLength = 16 * 1024 * 1024;
const twoToThe32 = 0x100000000;

const optionCodes = {
	endOfOptions: 0,
	tsresol: 9,
	tsoffset: 14,
} as const;

interface CaptureInterface {
	linkType: number;
	snaplen: number;
	offsetMicros: number;
	/** Timestamp units → µs is `(high·2³² + low) · multiplier` when `divisor` is 1, else a division by `divisor`. */
	multiplier: number;
	divisor: number;
	/** 2³² = highQuotient · divisor + highRemainder, so large divisions stay exact. */
	highQuotient: number;
	highRemainder: number;
}

function makeInterface(linkType: number, snaplen: number, tsresol: number, tsoffsetSeconds: number): CaptureInterface {
	const exponent = tsresol & 0x7f;
	let multiplier = 1;
	let divisor = 1;
	if ((tsresol & 0x80) !== 0) multiplier = 1_000_000 / 2 ** exponent;
	else if (exponent <= 6) multiplier = 10 ** (6 - exponent);
	else divisor = 10 ** (exponent - 6);
	const highQuotient = Math.floor(twoToThe32 / divisor);
	return {
		linkType,
		snaplen,
		offsetMicros: tsoffsetSeconds * 1_000_000,
		multiplier,
		divisor,
		highQuotient,
		highRemainder: twoToThe32 - highQuotient * divisor,
	};
}

function timestampMicros(captureInterface: CaptureInterface, high: number, low: number): number {
	const {divisor, offsetMicros} = captureInterface;
	if (divisor === 1) return Math.floor((high * twoToThe32 + low) * captureInterface.multiplier) + offsetMicros;
	return (
		high * captureInterface.highQuotient +
		Math.floor((high * captureInterface.highRemainder + low) / divisor) +
		offsetMicros
	);
}

export class PcapngParser implements FormatParser {
	pendingLength = blockOverhead;
	inFileHeader = true;

	private bigEndian = false;
	private interfaces: CaptureInterface[] = [];
	/** Simple packet blocks carry no time; they get the latest time seen. */
	private lastTimestampMicros = 0;

	next(queue: ByteQueue, record: PacketRecord, problems: ParseProblems): ParseStep {
		for (;;) {
			this.pendingLength = blockOverhead;
			if (!queue.ensure(blockOverhead)) return stepNeedMore;
			let bytes = queue.view;
			let offset = queue.viewOffset;
			const type = readUint32(bytes, offset, this.bigEndian);
			if (type === sectionHeaderBlockType) {
				const magic = readUint32(bytes, offset + 8, true);
				if (magic !== byteOrderMagic && magic !== byteOrderMagicSwapped) {
					problems.corrupt(queue.position, 'section header with an unknown byte-order magic');
					return stepStop;
				}
				this.bigEndian = magic === byteOrderMagic;
			}
			const length = readUint32(bytes, offset + 4, this.bigEndian);
			if (length < blockOverhead || length % 4 !== 0 || length > maximumBlockLength) {
				problems.corrupt(queue.position, `block length ${length} is not valid`);
				return stepStop;
			}
			this.pendingLength = length;
			if (!queue.ensure(length)) return stepNeedMore;
			bytes = queue.view;
			offset = queue.viewOffset;
			if (readUint32(bytes, offset + length - 4, this.bigEndian) !== length) {
				problems.corrupt(queue.position, `block length ${length} does not match its trailing copy`);
				return stepStop;
			}
			const found = this.readBlock(type, bytes, offset, length, record, queue.position, problems);
			queue.consume(length);
			if (found) return stepPacket;
		}
	}

	/** True when the block was a packet and `record` now holds it. */
	private readBlock(
		type: number,
		bytes: Uint8Array,
		offset: number,
		length: number,
		record: PacketRecord,
		position: number,
		problems: ParseProblems,
	): boolean {
		const body = offset + 8;
		const bodyLength = length - blockOverhead;
		switch (type) {
			case sectionHeaderBlockType:
				this.interfaces = [];
				this.inFileHeader = false;
				return false;
			case blockTypes.interfaceDescription:
				this.readInterface(bytes, body, bodyLength, position, problems);
				return false;
			case blockTypes.enhancedPacket:
			case blockTypes.obsoletePacket:
				return this.readTimedPacket(type, bytes, body, bodyLength, record, position, problems);
			case blockTypes.simplePacket:
				return this.readSimplePacket(bytes, body, bodyLength, record, position, problems);
			default:
				if (!ignoredBlockTypes.has(type)) problems.unsupportedBlock();
				return false;
		}
	}

	private readInterface(bytes: Uint8Array, body: number, bodyLength: number, position: number, problems: ParseProblems): void {
		if (bodyLength < 8) {
			problems.corrupt(position, 'interface description block too short');
			return;
		}
		const linkType = readUint16(bytes, body, this.bigEndian);
		const snaplen = readUint32(bytes, body + 4, this.bigEndian);
		let tsresol = 6;
		let tsoffsetSeconds = 0;
		const end = body + bodyLength;
		let option = body + 8;
		while (option + 4 <= end) {
			const code = readUint16(bytes, option, this.bigEndian);
			const valueLength = readUint16(bytes, option + 2, this.bigEndian);
			const value = option + 4;
			if (code === optionCodes.endOfOptions || value + valueLength > end) break;
			if (code === optionCodes.tsresol && valueLength >= 1) tsresol = bytes[value]!;
			else if (code === optionCodes.tsoffset && valueLength === 8) tsoffsetSeconds = readInt64(bytes, value, this.bigEndian);
			option = value + valueLength + ((4 - (valueLength % 4)) % 4);
		}
		this.interfaces.push(makeInterface(linkType, snaplen, tsresol, tsoffsetSeconds));
	}

	private readTimedPacket(
		type: number,
		bytes: Uint8Array,
		body: number,
		bodyLength: number,
		record: PacketRecord,
		position: number,
		problems: ParseProblems,
	): boolean {
		if (bodyLength < 20) {
			problems.corrupt(position, 'packet block too short');
			return false;
		}
		const interfaceId =
			type === blockTypes.enhancedPacket ? readUint32(bytes, body, this.bigEndian) : readUint16(bytes, body, this.bigEndian);
		const captureInterface = this.interfaces[interfaceId];
		if (captureInterface === undefined) {
			problems.corrupt(position, `packet names interface ${interfaceId}, which was never described`);
			return false;
		}
		const capturedLength = readUint32(bytes, body + 12, this.bigEndian);
		if (capturedLength > bodyLength - 20) {
			problems.corrupt(position, `packet claims ${capturedLength} captured bytes in a ${bodyLength + blockOverhead}-byte block`);
			return false;
		}
		const timestamp = timestampMicros(captureInterface, readUint32(bytes, body + 4, this.bigEndian), readUint32(bytes, body + 8, this.bigEndian));
		this.lastTimestampMicros = timestamp;
		record.linkType = captureInterface.linkType;
		record.timestampMicros = timestamp;
		record.data = bytes;
		record.offset = body + 20;
		record.capturedLength = capturedLength;
		record.originalLength = Math.max(readUint32(bytes, body + 16, this.bigEndian), capturedLength);
		return true;
	}

	private readSimplePacket(
		bytes: Uint8Array,
		body: number,
		bodyLength: number,
		record: PacketRecord,
		position: number,
		problems: ParseProblems,
	): boolean {
		const captureInterface = this.interfaces[0];
		if (captureInterface === undefined || bodyLength < 4) {
			problems.corrupt(position, 'simple packet block without an interface');
			return false;
		}
		const originalLength = readUint32(bytes, body, this.bigEndian);
		let capturedLength = Math.min(originalLength, bodyLength - 4);
		if (captureInterface.snaplen > 0) capturedLength = Math.min(capturedLength, captureInterface.snaplen);
		record.linkType = captureInterface.linkType;
		record.timestampMicros = this.lastTimestampMicros;
		record.data = bytes;
		record.offset = body + 4;
		record.capturedLength = capturedLength;
		record.originalLength = originalLength;
		return true;
	}
}
