import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {spawn} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {gzipSync} from 'node:zlib';
import {writePcap, writePcapng} from '../../fixtures/builder/capture-writer.js';
import {openCaptureInput} from '../../source/capture/capture-input.js';
import {InputError} from '../../source/capture/input-error.js';
import {CaptureReader, NotACaptureError} from '../../source/capture/capture-reader.js';
import {PacketPump} from '../../source/capture/packet-pump.js';
import {linkTypes, type PacketRecord} from '../../source/decode/packet-record.js';
import {scratchDirectory} from '../support/scratch.js';
import {dnsQueryFrame, synFrame} from './reader-helpers.js';

const directory = scratchDirectory('input');

const packetCount = 300;
const capture = writePcapng(
	Array.from({length: packetCount}, (_, index) => ({timestampMicros: 1_700_000_000_000_000 + index * 1000, data: index % 2 === 0 ? dnsQueryFrame : synFrame})),
	{interfaces: [{linkType: linkTypes.ethernet}]},
);

function saved(name: string, bytes: Uint8Array): string {
	const file = path.join(directory, name);
	writeFileSync(file, bytes);
	return file;
}

/** Opens a file, pumps all of it as fast as possible, and reports what came through. */
async function readThroughInput(file: string): Promise<{packets: number; reader: CaptureReader; fileSize?: number; bytesRead: number; end: string}> {
	const input = await openCaptureInput(file);
	const reader = new CaptureReader(file);
	let packets = 0;
	try {
		const end = await new PacketPump({readable: input.stream, reader, deliver: () => packets++}).run();
		return {packets, reader, fileSize: input.fileSize, bytesRead: input.bytesRead(), end};
	} finally {
		input.close();
	}
}

/** Every packet's time and bytes, hashed as the consumer sees them during its call. */
function digestRecord(hash: ReturnType<typeof createHash>, record: PacketRecord): void {
	hash.update(`${record.timestampMicros} ${record.capturedLength}\n`);
	hash.update(record.data.subarray(record.offset, record.offset + record.capturedLength));
}

const slabBytes = 4 * 1024 * 1024;

/**
 * Records of up to 250 kB, each its own byte pattern, sized so that one ends exactly at each 4 MiB
 * read slab's end (read in place from a chunk the reader has just finished), over four slabs.
 */
function manySlabCapture(): Uint8Array {
	const recordHeader = 16;
	const dataLengths: number[] = [];
	/** The records that end a slab, due 30 ms after the one before: paced, the pump holds each that long. */
	const endsSlab = new Set<number>();
	let position = 24;
	for (let boundary = slabBytes; boundary <= 4 * slabBytes; boundary += slabBytes) {
		while (boundary - position >= 2 * (recordHeader + 250_000)) {
			dataLengths.push(250_000);
			position += recordHeader + 250_000;
		}
		const left = boundary - position;
		const first = Math.floor(left / 2);
		dataLengths.push(first - recordHeader, left - first - recordHeader);
		endsSlab.add(dataLengths.length - 1);
		position = boundary;
	}
	let timestampMicros = 1_700_000_000_000_000;
	return writePcap(dataLengths.map((length, index) => {
		const data = Buffer.alloc(length);
		for (let at = 0; at < data.length; at++) data[at] = (at * 7 + index * 31) & 0xff;
		timestampMicros += endsSlab.has(index) ? 30_000 : 2000;
		return {timestampMicros, data};
	}), {linkType: linkTypes.ethernet});
}

describe('capture input', () => {
	test('a plain file: every packet, and progress reaches the file size', async () => {
		const file = saved('plain.pcapng', capture);
		const result = await readThroughInput(file);
		assert.equal(result.end, 'end-of-file');
		assert.equal(result.packets, packetCount);
		assert.equal(result.fileSize, capture.length);
		assert.equal(result.bytesRead, capture.length);
	});

	test('a file larger than a read slab gives the same packets from recycled read memory, at full speed and paced', async () => {
		const file = saved('slabs.pcap', manySlabCapture());
		const whole = new CaptureReader('whole');
		whole.append(readFileSync(file));
		whole.finish();
		const expected = createHash('sha256');
		let expectedPackets = 0;
		for (let record = whole.next(); record !== undefined; record = whole.next(), expectedPackets++) digestRecord(expected, record);
		const reference = `${expectedPackets} packets ${expected.digest('hex')}`;
		// Paced, the pump holds each record until it is due while reads go on.
		for (const speed of ['max', 1] as const) {
			const input = await openCaptureInput(file);
			const reader = new CaptureReader(file, (chunk) => input.releaseChunk(chunk));
			const seen = createHash('sha256');
			let packets = 0;
			try {
				await new PacketPump({readable: input.stream, reader, speed, deliver: (record) => {
					packets++;
					digestRecord(seen, record);
				}}).run();
			} finally {
				input.close();
			}
			assert.equal(`${packets} packets ${seen.digest('hex')}`, reference, `speed ${speed}`);
		}
	});

	test('gzip is recognised by content, whatever the name; progress counts compressed bytes', async () => {
		const compressed = gzipSync(capture);
		const file = saved('looks-plain.pcapng', compressed);
		const result = await readThroughInput(file);
		assert.equal(result.packets, packetCount);
		assert.equal(result.reader.stats.format, 'pcapng');
		assert.equal(result.fileSize, compressed.length);
		assert.equal(result.bytesRead, compressed.length);
	});

	test('a cut gzip file reads like a cut capture: earlier packets kept, no failure', async () => {
		const compressed = gzipSync(writePcap(Array.from({length: 2000}, (_, index) => ({timestampMicros: index, data: index % 3 === 0 ? synFrame : dnsQueryFrame})), {linkType: linkTypes.ethernet}));
		const file = saved('cut.pcap.gz', compressed.subarray(0, Math.floor(compressed.length / 2)));
		const result = await readThroughInput(file);
		assert.equal(result.end, 'end-of-file');
		assert.ok(result.packets > 0 && result.packets < 2000, `${result.packets} packets`);
	});

	test('a missing file is an input error (exit code 2) naming the file', async () => {
		const missing = path.join(directory, 'nowhere.pcap');
		await assert.rejects(openCaptureInput(missing), (error: unknown) => {
			assert.ok(error instanceof InputError);
			assert.equal(error.exitCode, 2);
			assert.equal(error.message, `${missing}: no such file`);
			return true;
		});
	});

	test('a directory is an input error', async () => {
		await assert.rejects(openCaptureInput(directory), {name: 'InputError', message: `${directory}: is a directory, not a capture file`});
	});

	test('a file that is not a capture rejects the pump with a message naming it', async () => {
		const file = saved('notes.txt', Buffer.from('these are not packets\n'));
		await assert.rejects(readThroughInput(file), (error: unknown) => error instanceof NotACaptureError && error.message.startsWith(`${file}: not a pcap or pcapng capture`));
	});

	test('an empty file is not a capture', async () => {
		const file = saved('empty.pcap', new Uint8Array(0));
		await assert.rejects(readThroughInput(file), {name: 'NotACaptureError', message: `${file}: not a pcap or pcapng capture (it is empty)`});
	});

	for (const thread of ['main thread', 'worker thread'] as const) {
		test(`standard input, gzipped, read in the ${thread} of a child process`, async () => {
			const moduleUrl = new URL('../../source/capture/capture-input.js', import.meta.url).href;
			const readerUrl = new URL('../../source/capture/capture-reader.js', import.meta.url).href;
			const pumpUrl = new URL('../../source/capture/packet-pump.js', import.meta.url).href;
			const readStandardInput = `
				import {openCaptureInput} from '${moduleUrl}';
				import {CaptureReader} from '${readerUrl}';
				import {PacketPump} from '${pumpUrl}';
				const input = await openCaptureInput('-');
				let packets = 0;
				const end = await new PacketPump({readable: input.stream, reader: new CaptureReader('standard input'), deliver: () => packets++}).run();
				input.close();
				process.stdout.write(JSON.stringify({packets, end, fileSize: input.fileSize ?? null, bytesRead: input.bytesRead()}));
			`;
			// Inside a worker, process.stdin is an empty stream of the worker's own: the real input is fd 0.
			const script =
				thread === 'main thread'
					? readStandardInput
					: `import {Worker} from 'node:worker_threads';
						const url = 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(readStandardInput)});
						new Worker(new URL(url));`;
			const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['pipe', 'pipe', 'pipe']});
			const compressed = gzipSync(capture);
			child.stdin.end(compressed);
			let output = '';
			let errors = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
			const code = await new Promise<number | null>(resolve => child.on('close', resolve));
			assert.equal(code, 0, errors);
			assert.deepEqual(JSON.parse(output), {packets: packetCount, end: 'end-of-file', fileSize: null, bytesRead: compressed.length});
		});
	}
});
