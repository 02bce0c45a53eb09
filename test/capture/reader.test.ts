import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {writePcap, writePcapng, type WrittenPacket} from '../../fixtures/builder/capture-writer.js';
import {CaptureReader, NotACaptureError} from '../../source/capture/capture-reader.js';
import {linkTypes} from '../../source/decode/packet-record.js';
import {dnsQueryFrame, dnsQueryPacket, drain, readInChunks, readWhole, synFrame, type ReadPacket} from './reader-helpers.js';

const baseMicros = 1_700_000_000_000_000;

const etherPackets: WrittenPacket[] = [
	{timestampMicros: baseMicros + 123_456, data: dnsQueryFrame},
	{timestampMicros: baseMicros + 1_000_001, data: synFrame},
	{timestampMicros: baseMicros + 2_500_000, data: dnsQueryFrame, originalLength: 1514},
];

function hex(bytes: Uint8Array): string {
	return Buffer.from(bytes).toString('hex');
}

/** One pcapng block built by hand, for block types the writer does not produce. */
function pcapngBlock(type: number, body: Buffer, bigEndian: boolean): Buffer {
	const length = 12 + body.length;
	const block = Buffer.alloc(length);
	const write = (value: number, offset: number): number => (bigEndian ? block.writeUInt32BE(value, offset) : block.writeUInt32LE(value, offset));
	write(type, 0);
	write(length, 4);
	body.copy(block, 8);
	write(length, length - 4);
	return block;
}

/** Splits a pcapng file into its blocks, so tests can insert, damage or reorder them. */
function pcapngBlocks(file: Buffer, bigEndian: boolean): Buffer[] {
	const blocks: Buffer[] = [];
	for (let offset = 0; offset < file.length; ) {
		const length = bigEndian ? file.readUInt32BE(offset + 4) : file.readUInt32LE(offset + 4);
		blocks.push(file.subarray(offset, offset + length));
		offset += length;
	}
	return blocks;
}

test('a chunk is released once read and its last record handed out is no longer in use (the next call), never before', () => {
	const file = Buffer.from(writePcap(etherPackets, {linkType: linkTypes.ethernet}));
	// Chunks cut where records end: header and first record, second record, third record.
	const firstEnd = 24 + 16 + dnsQueryFrame.length;
	const secondEnd = firstEnd + 16 + synFrame.length;
	const chunks = [file.subarray(0, firstEnd), file.subarray(firstEnd, secondEnd), file.subarray(secondEnd)];
	const released: number[] = [];
	const reader = new CaptureReader('test.pcap', (chunk) => released.push(chunks.findIndex((candidate) => candidate.buffer === chunk.buffer && candidate.byteOffset === chunk.byteOffset)));
	for (const chunk of chunks) reader.append(chunk);
	reader.finish();
	const first = reader.next()!;
	assert.equal(hex(first.data.subarray(first.offset, first.offset + first.capturedLength)), hex(dnsQueryFrame), 'read in place from the first chunk');
	assert.deepEqual(released, [], 'the first record is still in use');
	reader.next();
	assert.deepEqual(released, [0]);
	reader.next();
	assert.deepEqual(released, [0, 1]);
	assert.equal(reader.next(), undefined);
	assert.deepEqual(released, [0, 1, 2], 'at the end of input everything goes back');
});

test('packets read from Buffer chunks (as streams hand them) come out as plain Uint8Arrays', () => {
	const file = Buffer.from(writePcap(etherPackets, {linkType: linkTypes.ethernet}));
	const reader = new CaptureReader('test.pcap');
	reader.append(file.subarray(0, 100));
	reader.append(file.subarray(100));
	reader.finish();
	const kinds = new Set<unknown>();
	const packets: string[] = [];
	for (let record = reader.next(); record !== undefined; record = reader.next()) {
		kinds.add(Object.getPrototypeOf(record.data));
		packets.push(hex(record.data.subarray(record.offset, record.offset + record.capturedLength)));
	}
	assert.deepEqual(packets, etherPackets.map(packet => hex(packet.data)));
	// The first straddles the two chunks and is copied; the others are read in place, as views.
	// One array kind downstream keeps the decoder's optimized code for a single map.
	assert.deepEqual([...kinds], [Uint8Array.prototype]);
});

describe('classic pcap', () => {
	for (const bigEndian of [false, true]) {
		for (const nanosecond of [false, true]) {
			test(`${bigEndian ? 'big' : 'little'}-endian, ${nanosecond ? 'nanosecond' : 'microsecond'} timestamps`, () => {
				const file = writePcap(etherPackets, {linkType: linkTypes.ethernet, bigEndian, nanosecond});
				const {reader, packets} = readWhole(file);
				assert.deepEqual(
					packets.map(packet => [packet.linkType, packet.timestampMicros, packet.bytes, packet.capturedLength, packet.originalLength]),
					[
						[1, baseMicros + 123_456, hex(dnsQueryFrame), 71, 71],
						[1, baseMicros + 1_000_001, hex(synFrame), synFrame.length, synFrame.length],
						[1, baseMicros + 2_500_000, hex(dnsQueryFrame), 71, 1514],
					],
				);
				assert.deepEqual(reader.stats, {format: 'pcap', packets: 3, bytes: 71 + synFrame.length + 71, truncated: 0, corrupt: 0, unsupportedBlocks: 0});
				assert.equal(reader.warning, undefined);
				assert.equal(reader.done, true);
			});
		}
	}

	test('nanosecond fractions are cut to whole microseconds', () => {
		const file = writePcap([{timestampMicros: baseMicros + 5.75, data: dnsQueryPacket}], {linkType: linkTypes.raw, nanosecond: true});
		const {packets} = readWhole(file);
		assert.equal(packets[0]!.timestampMicros, baseMicros + 5);
		assert.equal(packets[0]!.linkType, linkTypes.raw);
	});

	test('packets cut to the snaplen keep their original length', () => {
		const file = writePcap(etherPackets, {linkType: linkTypes.ethernet, snaplen: 34});
		const {packets} = readWhole(file);
		assert.deepEqual(
			packets.map(packet => [packet.bytes, packet.capturedLength, packet.originalLength]),
			[
				[hex(dnsQueryFrame.subarray(0, 34)), 34, 71],
				[hex(synFrame.subarray(0, 34)), 34, synFrame.length],
				[hex(dnsQueryFrame.subarray(0, 34)), 34, 1514],
			],
		);
	});

	test('a record claiming an impossible captured length stops reading and keeps what came before', () => {
		const file = writePcap(etherPackets, {linkType: linkTypes.ethernet});
		const secondRecord = 24 + 16 + dnsQueryFrame.length;
		file.writeUInt32LE(0x7fffffff, secondRecord + 8);
		const {reader, packets} = readWhole(file, 'broken.pcap');
		assert.equal(packets.length, 1);
		assert.equal(reader.stats.corrupt, 1);
		assert.equal(reader.done, true);
		assert.match(reader.warning ?? '', new RegExp(`^broken\\.pcap: corrupt pcap data at byte ${secondRecord} `));
	});
});

describe('pcapng', () => {
	const interfaces = [
		{linkType: linkTypes.ethernet, name: 'eth0'},
		{linkType: linkTypes.raw, tsresol: 9, tsoffset: 3600},
		{linkType: linkTypes.linuxSll, tsresol: 0x80 | 20},
	];
	const packets: WrittenPacket[] = [
		{timestampMicros: baseMicros + 10, data: dnsQueryFrame, interfaceIndex: 0},
		{timestampMicros: baseMicros + 20.5, data: dnsQueryPacket, interfaceIndex: 1},
		{timestampMicros: baseMicros + 15_625 * 3, data: synFrame, interfaceIndex: 2},
		{timestampMicros: baseMicros + 40, data: dnsQueryFrame, interfaceIndex: 0, originalLength: 200},
	];
	const expected = [
		[linkTypes.ethernet, baseMicros + 10, hex(dnsQueryFrame), 71, 71],
		[linkTypes.raw, baseMicros + 20, hex(dnsQueryPacket), 57, 57],
		[linkTypes.linuxSll, baseMicros + 15_625 * 3, hex(synFrame), synFrame.length, synFrame.length],
		[linkTypes.ethernet, baseMicros + 40, hex(dnsQueryFrame), 71, 200],
	];
	const summarize = (read: ReadPacket[]): unknown[] =>
		read.map(packet => [packet.linkType, packet.timestampMicros, packet.bytes, packet.capturedLength, packet.originalLength]);

	for (const bigEndian of [false, true]) {
		test(`${bigEndian ? 'big' : 'little'}-endian: interfaces with their own link type, tsresol and tsoffset`, () => {
			const {reader, packets: read} = readWhole(writePcapng(packets, {interfaces, bigEndian}), 'test.pcapng');
			assert.deepEqual(summarize(read), expected);
			assert.deepEqual(reader.stats, {format: 'pcapng', packets: 4, bytes: 71 + 57 + synFrame.length + 71, truncated: 0, corrupt: 0, unsupportedBlocks: 0});
		});

		test(`${bigEndian ? 'big' : 'little'}-endian: simple packet blocks, an unknown block and an obsolete packet block`, () => {
			const file = writePcapng(packets, {interfaces: [{linkType: linkTypes.ethernet, snaplen: 60}, ...interfaces.slice(1)], bigEndian, simplePackets: true});
			const blocks = pcapngBlocks(file, bigEndian);
			const unknown = pcapngBlock(0x0bad_cafe, Buffer.from('opaque!\0'), bigEndian);
			const obsoleteBody = Buffer.alloc(20 + 60);
			const write32 = (value: number, offset: number): void => void (bigEndian ? obsoleteBody.writeUInt32BE(value, offset) : obsoleteBody.writeUInt32LE(value, offset));
			if (bigEndian) obsoleteBody.writeUInt16BE(1, 0);
			else obsoleteBody.writeUInt16LE(1, 0);
			// Interface 1 counts nanoseconds from an offset of one hour.
			const units = (BigInt(baseMicros) - 3_600_000_000n) * 1000n + 77_000n;
			write32(Number(units >> 32n), 4);
			write32(Number(units & 0xffffffffn), 8);
			write32(dnsQueryPacket.length, 12);
			write32(dnsQueryPacket.length, 16);
			dnsQueryPacket.copy(obsoleteBody, 20);
			const obsolete = pcapngBlock(2, obsoleteBody, bigEndian);
			const withExtras = Buffer.concat([...blocks.slice(0, 4), unknown, ...blocks.slice(4), obsolete]);
			const {reader, packets: read} = readWhole(withExtras, 'test.pcapng');
			assert.deepEqual(summarize(read), [
				// Simple packet blocks carry no time of their own: they take the latest one seen.
				[linkTypes.ethernet, 0, hex(dnsQueryFrame.subarray(0, 60)), 60, 71],
				expected[1],
				expected[2],
				[linkTypes.ethernet, baseMicros + 15_625 * 3, hex(dnsQueryFrame.subarray(0, 60)), 60, 200],
				[linkTypes.raw, baseMicros + 77, hex(dnsQueryPacket), 57, 57],
			]);
			assert.equal(reader.stats.unsupportedBlocks, 1);
			assert.equal(reader.stats.corrupt, 0);
		});
	}

	test('a new section may switch byte order and redefine its interfaces', () => {
		const first = writePcapng(packets.slice(0, 2), {interfaces, bigEndian: false});
		const second = writePcapng([{timestampMicros: baseMicros + 99, data: dnsQueryPacket}], {interfaces: [{linkType: linkTypes.ipv4}], bigEndian: true});
		const {reader, packets: read} = readWhole(Buffer.concat([first, second]), 'sections.pcapng');
		assert.deepEqual(summarize(read), [expected[0], expected[1], [linkTypes.ipv4, baseMicros + 99, hex(dnsQueryPacket), 57, 57]]);
		assert.equal(reader.stats.corrupt, 0);
	});

	test('a block whose trailing length disagrees stops reading and keeps what came before', () => {
		const file = writePcapng(packets, {interfaces});
		const blocks = pcapngBlocks(file, false);
		const damagedAt = blocks.slice(0, 6).reduce((sum, block) => sum + block.length, 0);
		const damaged = Buffer.from(file);
		damaged.writeUInt32LE(blocks[6]!.length + 4, damagedAt + blocks[6]!.length - 4);
		const {reader, packets: read} = readWhole(damaged, 'damaged.pcapng');
		assert.deepEqual(summarize(read), expected.slice(0, 2));
		assert.equal(reader.stats.corrupt, 1);
		assert.match(reader.warning ?? '', new RegExp(`^damaged\\.pcapng: corrupt pcapng data at byte ${damagedAt} .*trailing`));
	});

	test('a block length that is not a multiple of four is corrupt', () => {
		const file = writePcapng(packets, {interfaces});
		const blocks = pcapngBlocks(file, false);
		const damagedAt = blocks.slice(0, 5).reduce((sum, block) => sum + block.length, 0);
		file.writeUInt32LE(blocks[5]!.length - 2, damagedAt + 4);
		const {reader, packets: read} = readWhole(file, 'damaged.pcapng');
		assert.deepEqual(summarize(read), expected.slice(0, 1));
		assert.equal(reader.stats.corrupt, 1);
	});

	test('a packet naming an undescribed interface is skipped as corrupt, reading goes on', () => {
		const file = writePcapng(packets, {interfaces});
		const blocks = pcapngBlocks(file, false);
		blocks[5]!.writeUInt32LE(9, 8);
		const {reader, packets: read} = readWhole(file, 'test.pcapng');
		assert.deepEqual(summarize(read), [expected[0], expected[2], expected[3]]);
		assert.equal(reader.stats.corrupt, 1);
		assert.match(reader.warning ?? '', /interface 9/);
	});
});

describe('records split across chunks', () => {
	const files: Array<[string, Buffer]> = [
		['pcap', writePcap(etherPackets, {linkType: linkTypes.ethernet, nanosecond: true})],
		['pcapng', writePcapng(etherPackets, {interfaces: [{linkType: linkTypes.ethernet, tsresol: 9}], bigEndian: true, simplePackets: false})],
	];
	for (const [format, file] of files) {
		const reference = readWhole(file).packets;

		test(`${format}: fed one byte at a time`, () => {
			const {reader, packets} = readInChunks(file, 1);
			assert.deepEqual(packets, reference);
			assert.equal(reader.stats.truncated, 0);
		});

		test(`${format}: split in two at every offset`, () => {
			for (let split = 0; split <= file.length; split++) {
				const reader = new CaptureReader('split');
				const packets: ReadPacket[] = [];
				reader.append(file.subarray(0, split));
				drain(reader, packets);
				const head = packets.length;
				reader.append(file.subarray(split));
				reader.finish();
				drain(reader, packets);
				assert.deepEqual(packets, reference, `split at ${split} (${head} packets before)`);
			}
		});
	}

	test('a packet larger than the carry buffer, straddling many chunks', () => {
		const big = Buffer.alloc(200_000);
		for (let index = 0; index < big.length; index++) big[index] = (index * 31) & 0xff;
		dnsQueryFrame.copy(big);
		const file = writePcap([{timestampMicros: baseMicros, data: dnsQueryFrame}, {timestampMicros: baseMicros + 1, data: big}, {timestampMicros: baseMicros + 2, data: synFrame}], {linkType: linkTypes.ethernet});
		const {packets} = readInChunks(file, 4093);
		assert.deepEqual(packets.map(packet => packet.bytes), [hex(dnsQueryFrame), hex(big), hex(synFrame)]);
	});
});

describe('damaged and foreign input', () => {
	test('a pcap whose last record is cut keeps the earlier packets and says so', () => {
		const file = writePcap(etherPackets, {linkType: linkTypes.ethernet});
		const {reader, packets} = readWhole(file.subarray(0, file.length - 5), 'cut.pcap');
		assert.equal(packets.length, 2);
		assert.equal(reader.stats.truncated, 1);
		assert.equal(reader.done, true);
		assert.equal(reader.warning, `cut.pcap: capture ends inside a record (${16 + 71 - 5} of ${16 + 71} bytes); packets before it were kept`);
	});

	test('a pcapng cut inside a block header keeps the earlier packets', () => {
		const file = writePcapng(etherPackets, {interfaces: [{linkType: linkTypes.ethernet}]});
		const lastBlock = 12 + 20 + 72;
		const {reader, packets} = readWhole(file.subarray(0, file.length - lastBlock + 6), 'cut.pcapng');
		assert.equal(packets.length, 2);
		assert.equal(reader.stats.truncated, 1);
		assert.match(reader.warning ?? '', /^cut\.pcapng: capture ends inside a record/);
	});

	test('a file that is neither pcap nor pcapng is refused, naming the file', () => {
		const reader = new CaptureReader('notes.txt');
		reader.append(Buffer.from('<!DOCTYPE html><html></html>\n'));
		assert.throws(() => reader.next(), (error: unknown) => {
			assert.ok(error instanceof NotACaptureError);
			assert.equal(error.message, 'notes.txt: not a pcap or pcapng capture (it starts with bytes 3c 21 44 4f)');
			return true;
		});
		assert.throws(() => reader.next(), NotACaptureError);
	});

	test('an empty input is refused once it is known to be empty', () => {
		const reader = new CaptureReader('standard input');
		assert.equal(reader.next(), undefined);
		reader.finish();
		assert.throws(() => reader.next(), {name: 'NotACaptureError', message: 'standard input: not a pcap or pcapng capture (it is empty)'});
	});

	test('a file cut inside its file header is not a capture, not a capture cut short', () => {
		const pcap = writePcap(etherPackets, {linkType: linkTypes.ethernet});
		const pcapng = writePcapng(etherPackets, {interfaces: [{linkType: linkTypes.ethernet}]});
		const sectionHeaderLength = pcapng.readUInt32LE(4);
		for (const [file, format, headerLength] of [[pcap, 'pcap', 24], [pcapng, 'pcapng', sectionHeaderLength]] as const) {
			for (let length = 4; length < headerLength; length++) {
				const reader = new CaptureReader('cut');
				reader.append(file.subarray(0, length));
				assert.equal(reader.next(), undefined, 'more may come');
				reader.finish();
				assert.throws(() => reader.next(), {name: 'NotACaptureError', message: `cut: not a pcap or pcapng capture (it ends inside its ${format} file header, after ${length} bytes)`});
			}
		}
	});

	test('a capture holding only its file header has no packets and no warning', () => {
		const {reader, packets} = readWhole(writePcap([], {linkType: linkTypes.ethernet}));
		assert.equal(packets.length, 0);
		assert.equal(reader.warning, undefined);
		assert.equal(reader.done, true);
	});
});
