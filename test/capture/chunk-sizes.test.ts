// Property: however a stream cuts the capture into chunks (a pipe hands at most 64 KiB, a helper
// flushing per packet hands one record or less, a file read 4 MiB), the reader and pump deliver the
// same packets, byte for byte. Chunk sizes are drawn from 1 byte to 4 MiB by a seeded generator, so a
// failure names the seed and size that reproduce it.
import assert from 'node:assert/strict';
import {execFileSync, spawn, type ChildProcessByStdio} from 'node:child_process';
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import {readFileSync, writeFileSync} from 'node:fs';
import {open as openFile} from 'node:fs/promises';
import path from 'node:path';
import {Readable, type Writable} from 'node:stream';
import {describe, test} from 'node:test';
import {gzipSync} from 'node:zlib';
import {writePcap, writePcapng, type WrittenPacket} from '../../fixtures/builder/capture-writer.js';
import {CaptureReader} from '../../source/capture/capture-reader.js';
import {PacketPump} from '../../source/capture/packet-pump.js';
import {linkTypes, type PacketRecord} from '../../source/decode/packet-record.js';
import {fixturesDirectory} from '../support/repository.js';
import {scratchDirectory} from '../support/scratch.js';
import {readInChunks, readWhole, type ReadPacket} from './reader-helpers.js';

const largestChunk = 4 * 1024 * 1024;
const seed = 0x5eed_0011;
const randomSizes = 48;
const scratch = scratchDirectory('chunk-sizes');
let fifoCount = 0;

/** A small linear congruential generator: the same seed gives the same sizes on every machine. */
function generator(state: number): () => number {
	let value = state >>> 0;
	return () => {
		value = (Math.imul(value, 1_664_525) + 1_013_904_223) >>> 0;
		return value / 2 ** 32;
	};
}

/** Sizes spread evenly on a log scale from 1 byte to 4 MiB, plus the edges where records and chunks meet. */
function chunkSizes(): number[] {
	const random = generator(seed);
	const sizes = new Set<number>([2, 3, 15, 16, 17, 23, 24, 25, 1500, 65_535, 65_536, 65_537, 1024 * 1024, largestChunk - 1, largestChunk]);
	while (sizes.size < 15 + randomSizes) sizes.add(Math.max(2, Math.round(Math.exp(random() * Math.log(largestChunk)))));
	return [...sizes].sort((a, b) => a - b);
}

/** The real packets of the demo capture, repeated with shifted times until the file passes `leastBytes` (4.5 MiB), and one jumbo record. */
function largeCapture(leastBytes = largestChunk + 512 * 1024): Buffer {
	const demo = readWhole(readFileSync(path.join(fixturesDirectory, 'demo.pcapng')), 'demo.pcapng').packets;
	const packets: WrittenPacket[] = [];
	let bytes = 0;
	for (let copy = 0; bytes < leastBytes; copy++) {
		for (const packet of demo) {
			const data = Buffer.from(packet.bytes, 'hex');
			packets.push({timestampMicros: packet.timestampMicros + copy * 60_000_000, data, originalLength: packet.originalLength});
			bytes += 16 + data.length;
		}
		if (copy === 0) {
			const jumbo = Buffer.alloc(200_000);
			for (let index = 0; index < jumbo.length; index++) jumbo[index] = (index * 131) & 0xff;
			packets.push({timestampMicros: packets.at(-1)!.timestampMicros + 1, data: jumbo});
		}
	}
	return writePcap(packets, {linkType: linkTypes.ethernet, nanosecond: true});
}

/** What a consumer saw, condensed: the count and a digest of every packet's time, lengths and bytes. */
class PacketDigest {
	packets = 0;
	private readonly hash = createHash('sha256');

	add(record: PacketRecord): void {
		this.packets++;
		this.hash.update(`${record.linkType} ${record.timestampMicros} ${record.capturedLength} ${record.originalLength}\n`);
		this.hash.update(record.data.subarray(record.offset, record.offset + record.capturedLength));
	}

	digest(): string {
		return `${this.packets} packets, sha256 ${this.hash.digest('hex')}`;
	}
}

function digestOf(packets: ReadPacket[]): string {
	const digest = new PacketDigest();
	for (const packet of packets) {
		const data = Buffer.from(packet.bytes, 'hex');
		digest.add({linkType: packet.linkType, timestampMicros: packet.timestampMicros, capturedLength: packet.capturedLength, originalLength: packet.originalLength, data, offset: 0} as PacketRecord);
	}
	return digest.digest();
}

/** The capture through a stream that hands it over in `size`-byte chunks, then the pump, as replay and live capture read. */
async function pumpInChunks(file: Buffer, size: number): Promise<string> {
	const chunks = function * () {
		for (let start = 0; start < file.length; start += size) yield file.subarray(start, start + size);
	};
	const digest = new PacketDigest();
	const end = await new PacketPump({readable: Readable.from(chunks(), {objectMode: false}), reader: new CaptureReader('chunked'), deliver: record => digest.add(record)}).run();
	assert.equal(end, 'end-of-file');
	return digest.digest();
}

describe('every chunk size from 1 byte to 4 MiB gives the same packets', () => {
	const file = largeCapture();
	const reference = digestOf(readWhole(file).packets);
	// Small chunks take the first 300 kB (still thousands of records, the jumbo one among them), so
	// millions of tiny chunks do not make the test slow; large ones take the whole file.
	const head = file.subarray(0, 300_000);
	const headReference = digestOf(readWhole(head).packets);

	test(`pcap of ${file.length.toLocaleString('en')} bytes through the pump, ${15 + randomSizes} chunk sizes (seed ${seed.toString(16)})`, async () => {
		assert.ok(file.length > largestChunk, 'the capture is larger than the largest chunk');
		for (const size of chunkSizes()) {
			const [sample, expected] = size < 65_536 ? [head, headReference] : [file, reference];
			assert.equal(await pumpInChunks(sample, size), expected, `chunks of ${size} bytes (seed ${seed.toString(16)})`);
		}
	});

	test('one byte at a time, pcap and pcapng', () => {
		const demo = readFileSync(path.join(fixturesDirectory, 'demo.pcapng'));
		for (const [name, bytes] of [['demo.pcapng', demo], ['pcap head', head]] as const) {
			const whole = readWhole(bytes, name);
			const {packets, reader} = readInChunks(bytes, 1, name);
			assert.ok(whole.packets.length > 100, `${name} has packets`);
			assert.equal(digestOf(packets), digestOf(whole.packets), name);
			assert.equal(reader.stats.truncated, whole.reader.stats.truncated, name);
		}
	});

	test('pcapng with its blocks cut by random chunk sizes', async () => {
		const packets = readWhole(file).packets.slice(0, 4000).map(packet => ({timestampMicros: packet.timestampMicros, data: Buffer.from(packet.bytes, 'hex'), originalLength: packet.originalLength}));
		const pcapng = writePcapng(packets, {interfaces: [{linkType: linkTypes.ethernet, tsresol: 9}], bigEndian: true, simplePackets: false});
		const expected = digestOf(readWhole(pcapng, 'test.pcapng').packets);
		const random = generator(seed + 1);
		for (let trial = 0; trial < 12; trial++) {
			const size = Math.max(1, Math.round(Math.exp(random() * Math.log(pcapng.length))));
			assert.equal(await pumpInChunks(pcapng, size), expected, `pcapng in chunks of ${size} bytes`);
		}
	});

	test('through a socket on standard input of a worker thread (how Node spawns), written in random sizes', async () => {
		const run = await readStandardInput({kind: 'socket', bytes: file});
		assert.equal(run.stream, 'StandardInputPipe');
		assert.equal(run.digest, reference);
	});

	test('through a shell pipe (a FIFO) on standard input, larger than the read-ahead ring, plain and gzipped', async () => {
		const large = largeCapture(pipeRingBytes + 4 * 1024 * 1024);
		const expected = digestOf(readWhole(large).packets);
		const plain = await readStandardInput({kind: 'fifo', bytes: large});
		assert.equal(plain.stream, 'PipeRingStream');
		assert.equal(plain.digest, expected);
		// Stored (level 0) deflate keeps the compressed stream as long as the ring passes, so gunzip's reads go round it.
		const gzipped = await readStandardInput({kind: 'fifo', bytes: gzipSync(large, {level: 0})});
		assert.equal(gzipped.digest, expected);
	});

	// The bytes fit the pipe's 64 KiB, so the writer has written all of them before the child stops and
	// is silent from then on: a reader blocked in read() would hold the child's exit until the writer closes.
	test('a stop while the pipe\'s writer is still open and silent ends the process without waiting for the writer', async () => {
		const prefix = file.subarray(0, 60_000);
		const packetsInPrefix = readWhole(prefix).packets.length;
		assert.ok(packetsInPrefix > 10, 'the prefix holds packets');
		const run = await readStandardInput({kind: 'fifo', bytes: prefix, maxPackets: packetsInPrefix - 5, keepWriterOpen: true});
		assert.equal(run.end, 'count');
		assert.equal(run.packets, packetsInPrefix - 5);
		assert.equal(run.writerOpenAtExit, true, 'the child exited before the writer closed');
	});
});

const stuckChildMillis = 60_000;

/** The size of PipeRingStream's read-ahead ring: a longer capture goes round it. */
const pipeRingBytes = 16 * 1024 * 1024;

interface StandardInputRun {
	/** The class that read standard input (for a gzipped input, the decompressed stream's). */
	stream: string;
	end: string;
	packets: number;
	digest: string;
	writerOpenAtExit: boolean;
}

/**
 * Writes `bytes` in random sizes into the standard input of a child that reads it with
 * openCaptureInput('-') inside a worker thread, as the capture worker does. `socket` is what Node's
 * spawn gives a child, `fifo` what a shell pipe (`cat FILE |`) gives. With `keepWriterOpen` the writer
 * stays open after the bytes until the child has exited.
 */
async function readStandardInput(options: {kind: 'socket' | 'fifo'; bytes: Buffer; maxPackets?: number; keepWriterOpen?: boolean}): Promise<StandardInputRun> {
	const moduleUrl = new URL('../../source/capture/capture-input.js', import.meta.url).href;
	const readerUrl = new URL('../../source/capture/capture-reader.js', import.meta.url).href;
	const pumpUrl = new URL('../../source/capture/packet-pump.js', import.meta.url).href;
	const readInWorker = `
		import {createHash} from 'node:crypto';
		import {openCaptureInput} from '${moduleUrl}';
		import {CaptureReader} from '${readerUrl}';
		import {PacketPump} from '${pumpUrl}';
		const input = await openCaptureInput('-');
		const hash = createHash('sha256');
		let packets = 0;
		// Released chunks let the input's memory take later reads, as replay from standard input does.
		const reader = new CaptureReader('standard input', chunk => input.releaseChunk(chunk));
		const end = await new PacketPump({readable: input.stream, reader, maxPackets: ${options.maxPackets ?? 'undefined'}, deliver: record => {
			packets++;
			hash.update(record.linkType + ' ' + record.timestampMicros + ' ' + record.capturedLength + ' ' + record.originalLength + '\\n');
			hash.update(record.data.subarray(record.offset, record.offset + record.capturedLength));
		}}).run();
		const stream = input.stream.constructor.name;
		input.close();
		process.stdout.write(JSON.stringify({stream, end, packets, digest: packets + ' packets, sha256 ' + hash.digest('hex')}));
	`;
	// A script file, not --eval: worker threads inherit the flags, and --input-type fails a thread started from a file.
	const script = path.join(scratch, 'read-standard-input.mjs');
	writeFileSync(script, `import {Worker} from 'node:worker_threads';
		new Worker(new URL('data:text/javascript,' + encodeURIComponent(${JSON.stringify(readInWorker)})));`);
	const arguments_ = [script];
	let write: (chunk: Buffer) => Promise<unknown>;
	let closeWriter: () => Promise<unknown>;
	let child: ChildProcessByStdio<null | Writable, Readable, Readable>;
	if (options.kind === 'socket') {
		const spawned = spawn(process.execPath, arguments_, {stdio: ['pipe', 'pipe', 'pipe']});
		child = spawned;
		write = chunk => spawned.stdin.write(chunk) ? Promise.resolve() : once(spawned.stdin, 'drain');
		closeWriter = async () => spawned.stdin.end();
	} else {
		const fifo = path.join(scratch, `stdin-${fifoCount++}`);
		execFileSync('mkfifo', [fifo]);
		// Each open waits for the other end, as a shell's redirections do; the child gets a blocking read end.
		const [readEnd, writeEnd] = await Promise.all([openFile(fifo, 'r'), openFile(fifo, 'w')]);
		child = spawn(process.execPath, arguments_, {stdio: [readEnd.fd, 'pipe', 'pipe']}) as ChildProcessByStdio<null, Readable, Readable>;
		await readEnd.close();
		write = chunk => writeEnd.write(chunk);
		closeWriter = () => writeEnd.close();
	}
	let output = '';
	let errors = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
	const exited = new Promise<number | null>(resolve => child.on('close', resolve));
	// A child stuck (for instance on a silent writer) fails the test instead of holding the run.
	const guard = setTimeout(() => child.kill(), stuckChildMillis);
	let writerOpen = true;
	const random = generator(seed + 2);
	const writing = (async () => {
		for (let start = 0; start < options.bytes.length;) {
			const size = Math.max(1, Math.round(Math.exp(random() * Math.log(256 * 1024))));
			// A child that stopped early closed its end: the rest has nowhere to go (EPIPE).
			if (await write(options.bytes.subarray(start, start + size)).then(() => false, () => true)) break;
			start += size;
		}
		if (options.keepWriterOpen) await exited;
		writerOpen = false;
		await closeWriter();
	})();
	const code = await exited;
	clearTimeout(guard);
	const writerOpenAtExit = writerOpen;
	await writing;
	assert.equal(code, 0, errors);
	return {...(JSON.parse(output) as Omit<StandardInputRun, 'writerOpenAtExit'>), writerOpenAtExit};
}
