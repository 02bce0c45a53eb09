// Fuzzing the capture reader: real pcap and pcapng files (fixtures, ../shared/captures) and files
// written with random options, mutated and handed over in random chunk sizes. Whatever the bytes,
// the only error is "not a capture", every record points inside its bytes, each packet costs at
// least one block of input (so reading ends), nothing stays buffered once done, and the chunking
// changes nothing: the same packets, counts and warning as reading the file in one piece.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import fc from 'fast-check';
import {writePcap, writePcapng, type WrittenPacket} from '../../fixtures/builder/capture-writer.js';
import {CaptureReader, NotACaptureError} from '../../source/capture/capture-reader.js';
import {applyMutations, mutatedSeed, mutation} from '../support/byte-mutations.js';
import {checkProperty} from '../support/fuzz.js';
import {smallSeedFiles} from '../support/seed-packets.js';

/** The smallest record either format has: a pcapng block (12 bytes; a pcap record is 16). */
const smallestRecord = 12;
const largestRecord = 16 * 1024 * 1024;

interface Reading {
	packets: string[];
	stats: CaptureReader['stats'];
	warning: string | undefined;
	notACapture: string | undefined;
}

/** Reads `file` in chunks of the given sizes (cycled), draining after each, checking every record. */
function read(file: Uint8Array, chunkSizes: readonly number[]): Reading {
	const reader = new CaptureReader('fuzz.pcap');
	const packets: string[] = [];
	let notACapture: string | undefined;
	const drain = (): void => {
		try {
			for (let record = reader.next(); record !== undefined; record = reader.next()) {
				assert.ok(record.offset >= 0 && record.offset + record.capturedLength <= record.data.length, 'the record lies inside its bytes');
				assert.ok(record.capturedLength <= largestRecord, `captured length ${record.capturedLength}`);
				assert.ok(record.originalLength >= record.capturedLength, 'original length covers the captured bytes');
				assert.ok(Number.isFinite(record.timestampMicros), `timestamp ${record.timestampMicros}`);
				packets.push(`${record.linkType} ${record.timestampMicros} ${record.originalLength} ${Buffer.from(record.data.subarray(record.offset, record.offset + record.capturedLength)).toString('hex')}`);
				assert.ok(packets.length <= file.length / smallestRecord, 'each packet consumed a record of input');
			}
		} catch (error) {
			if (!(error instanceof NotACaptureError)) throw error;
			assert.ok(notACapture === undefined || notACapture === error.message, 'the same failure each time');
			notACapture = error.message;
		}
	};
	let chunk = 0;
	for (let start = 0; start < file.length; chunk++) {
		const size = chunkSizes[chunk % chunkSizes.length]!;
		reader.append(file.subarray(start, start + size));
		start += size;
		drain();
	}
	reader.finish();
	drain();
	if (notACapture === undefined) {
		assert.ok(reader.done, 'the reader is done once all input is read');
		assert.equal(reader.bufferedBytes, 0, 'nothing stays buffered');
		assert.equal(reader.stats.packets, packets.length);
		assert.equal(reader.warning !== undefined, reader.stats.truncated + reader.stats.corrupt > 0, 'a warning exactly when something was cut or corrupt');
	} else {
		assert.equal(packets.length, 0, 'not a capture: no packet was handed out');
	}
	return {packets, stats: {...reader.stats}, warning: reader.warning, notACapture};
}

function assertChunkingChangesNothing(file: Uint8Array, chunkSizes: readonly number[]): void {
	const whole = read(file, [Math.max(1, file.length)]);
	const chunked = read(file, chunkSizes);
	assert.deepEqual(chunked, whole);
}

const chunkSizes = fc.array(fc.oneof(fc.integer({min: 1, max: 32}), fc.integer({min: 1, max: 70_000})), {minLength: 1, maxLength: 8});

/** Packets of any bytes and sizes, with times that may run backwards or sit at the edges. */
const writtenPackets = fc.array(
	fc.record({
		timestampMicros: fc.oneof(fc.integer({min: 0, max: 2 ** 40}), fc.constantFrom(0, 4_294_967_295_999_999)),
		data: fc.uint8Array({maxLength: 300}),
		interfaceIndex: fc.nat(3),
	}),
	{maxLength: 12},
);

const generatedCapture: fc.Arbitrary<Uint8Array> = fc.oneof(
	fc.tuple(writtenPackets, fc.record({linkType: fc.constantFrom(0, 1, 101, 113, 228, 276, 147), nanosecond: fc.boolean(), bigEndian: fc.boolean(), snaplen: fc.constantFrom(0, 64, 65535, 262144, 0xffffffff)}))
		.map(([packets, options]) => new Uint8Array(writePcap(packets, options))),
	fc.tuple(
		writtenPackets,
		fc.array(fc.record({linkType: fc.constantFrom(1, 101, 113, 276, 9, 0xffff), tsresol: fc.integer({min: 0, max: 255}), tsoffset: fc.integer({min: -(2 ** 40), max: 2 ** 40}), snaplen: fc.constantFrom(0, 60, 262144)}), {minLength: 1, maxLength: 4}),
		fc.boolean(),
		fc.boolean(),
	).map(([packets, interfaces, bigEndian, simplePackets]) => {
		const described: WrittenPacket[] = packets.map((packet) => ({...packet, interfaceIndex: packet.interfaceIndex % interfaces.length}));
		return new Uint8Array(writePcapng(described, {interfaces, bigEndian, simplePackets}));
	}),
);

/** pcap's 24 bytes, or pcapng's whole first section header block. */
function fileHeaderLength(file: Uint8Array): number {
	const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
	if (view.getUint32(0) !== 0x0a0d0d0a) return 24;
	return view.getUint32(4, view.getUint32(8) !== 0x1a2b3c4d);
}

describe('capture reader fuzz', () => {
	const seeds = smallSeedFiles();

	test('mutated real captures, in random chunks', () => {
		assert.ok(seeds.length > 0, 'fixtures hold small captures');
		checkProperty(
			fc.property(mutatedSeed(seeds.length, 8), chunkSizes, ([seed, mutations], sizes) => {
				assertChunkingChangesNothing(applyMutations(seeds[seed]!.file, mutations), sizes);
			}),
			1500,
		);
	});

	test('captures written with random options and packets, mutated, in random chunks', () => {
		checkProperty(
			fc.property(generatedCapture, fc.array(mutation, {maxLength: 4}), chunkSizes, (file, mutations, sizes) => {
				assertChunkingChangesNothing(applyMutations(file, mutations), sizes);
			}),
			1500,
		);
	});

	test('random bytes after a real file header', () => {
		const headers = seeds.map((capture) => capture.file.subarray(0, fileHeaderLength(capture.file)));
		checkProperty(
			fc.property(fc.integer({min: 0, max: headers.length - 1}), fc.uint8Array({maxLength: 4096}), chunkSizes, (header, tail, sizes) => {
				const file = new Uint8Array(headers[header]!.length + tail.length);
				file.set(headers[header]!);
				file.set(tail, headers[header]!.length);
				assertChunkingChangesNothing(file, sizes);
			}),
			1000,
		);
	});
});
