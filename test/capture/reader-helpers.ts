// Shared by the capture reader and pump tests: real frames, and reading a capture to plain objects.
import {CaptureReader} from '../../source/capture/capture-reader.js';

/** An Ethernet frame: IPv4/UDP DNS query for example.com from 192.168.1.10 to 192.168.1.1. */
export const dnsQueryFrame = Buffer.from(
	'00112233445566778899aabb0800' +
		'45000039a1b2000040110000c0a8010ac0a80101' +
		'd2a100350025000012340100000100000000000007' +
		'6578616d706c6503636f6d0000010001',
	'hex',
);

/** The IPv4 packet inside `dnsQueryFrame`, as a raw-IP link carries it. */
export const dnsQueryPacket = dnsQueryFrame.subarray(14);

/** A TCP SYN from 10.0.0.2:51000 to 10.0.0.1:3333 (a Stratum port) in an Ethernet frame. */
export const synFrame = Buffer.from(
	'aabbccddeeff0011223344550800' +
		'4500002c1c464000400600000a0000020a000001' +
		'c7380d050000000100000000' +
		'6002faf000000000020405b4',
	'hex',
);

export interface ReadPacket {
	linkType: number;
	timestampMicros: number;
	bytes: string;
	capturedLength: number;
	originalLength: number;
}

/** Takes every packet the reader has ready, copying each out of the reused record. */
export function drain(reader: CaptureReader, into: ReadPacket[]): void {
	for (let record = reader.next(); record !== undefined; record = reader.next()) {
		into.push({
			linkType: record.linkType,
			timestampMicros: record.timestampMicros,
			bytes: Buffer.from(record.data.subarray(record.offset, record.offset + record.capturedLength)).toString('hex'),
			capturedLength: record.capturedLength,
			originalLength: record.originalLength,
		});
	}
}

/** Reads a whole capture handed over in chunks of `chunkSize` bytes, draining after every chunk. */
export function readInChunks(file: Uint8Array, chunkSize: number, name = 'test.pcap'): {reader: CaptureReader; packets: ReadPacket[]} {
	const reader = new CaptureReader(name);
	const packets: ReadPacket[] = [];
	for (let start = 0; start < file.length; start += chunkSize) {
		reader.append(file.subarray(start, start + chunkSize));
		drain(reader, packets);
	}
	reader.finish();
	drain(reader, packets);
	return {reader, packets};
}

export function readWhole(file: Uint8Array, name = 'test.pcap'): {reader: CaptureReader; packets: ReadPacket[]} {
	return readInChunks(file, Math.max(file.length, 1), name);
}
