// Damaged and unusable capture files (#14): cut at every offset, random bytes after the header, an
// unknown pcapng block, block lengths that lie, not a capture, empty, a directory, missing,
// unreadable. Every offset of a small pcap and pcapng (the head of two fixtures) goes through the
// worker's own reader, pipeline and detection engine in process; a sample of each kind of damage
// goes through the built CLI as a user runs it. Either way: the documented exit code (README), one
// line on standard error, everything read before the damage kept, never a stack trace.
import assert from 'node:assert/strict';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, test} from 'node:test';
import {SeededRandom} from '../fixtures/builder/seeded-random.js';
import {CaptureReader, NotACaptureError} from '../source/capture/capture-reader.js';
import {DetectionEngine} from '../source/detect/engine.js';
import {CidrSet, defaultHomeNet} from '../source/flows/cidr-set.js';
import {TrafficPipeline} from '../source/flows/traffic-pipeline.js';
import {exitCodes} from '../source/exit-codes.js';
import {cliPath, fixturesDirectory} from './support/repository.js';
import {runCli, type CliRun} from './support/run-cli.js';

const skip = existsSync(cliPath) ? false : 'the CLI is not built (dist/source/cli.js)';
const scratch = mkdtempSync(path.join(tmpdir(), 'minewatch-corrupt-'));
// Readable by the unprivileged user the unreadable-file case runs as.
chmodSync(scratch, 0o755);

const packetBlockTypes = new Set([2, 3, 6]);

/**
 * Where each of the first `records` records (pcapng: blocks) ends, after the file header, and how
 * many packets the file holds up to there.
 */
function recordEnds(file: Buffer, records: number): {headerLength: number; ends: number[]; packetsAt: number[]} {
	const ends: number[] = [];
	const packetsAt: number[] = [];
	if (file.readUInt32BE(0) === 0x0a0d0d0a) {
		const littleEndian = file.readUInt32BE(8) !== 0x1a2b3c4d;
		const read = (offset: number): number => (littleEndian ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
		const headerLength = read(4);
		for (let offset = headerLength; ends.length < records; offset = ends.at(-1)!) {
			ends.push(offset + read(offset + 4));
			packetsAt.push((packetsAt.at(-1) ?? 0) + (packetBlockTypes.has(read(offset)) ? 1 : 0));
		}
		return {headerLength, ends, packetsAt};
	}
	const littleEndian = file.readUInt32BE(0) === 0xd4c3b2a1;
	for (let offset = 24; ends.length < records; offset = ends.at(-1)!) {
		ends.push(offset + 16 + (littleEndian ? file.readUInt32LE(offset + 8) : file.readUInt32BE(offset + 8)));
		packetsAt.push(ends.length);
	}
	return {headerLength: 24, ends, packetsAt};
}

/** The head of a fixture: its file header and first records, itself a whole capture with alerts in it. */
function smallCapture(name: string, records: number): {file: Buffer; headerLength: number; ends: number[]; packetsAt: number[]} {
	const whole = readFileSync(path.join(fixturesDirectory, name));
	const {headerLength, ends, packetsAt} = recordEnds(whole, records);
	return {file: whole.subarray(0, ends.at(-1)), headerLength, ends, packetsAt};
}

interface InProcessRun {
	notACapture?: string;
	packets: number;
	truncated: number;
	corrupt: number;
	alerts: string[];
	warning?: string;
}

/** What the capture worker does with a file: read, decode, track flows, detect, flush at the end. */
function readAndDetect(file: Uint8Array): InProcessRun {
	const reader = new CaptureReader('cut.pcap');
	const homeNet = CidrSet.parse(defaultHomeNet);
	const alerts = new Set<string>();
	const engine = new DetectionEngine({homeNet, allow: CidrSet.parse([]), onAlert: (alert) => alerts.add(alert.id)});
	const pipeline = new TrafficPipeline({observer: engine, homeNet});
	reader.append(file);
	reader.finish();
	try {
		for (let record = reader.next(); record !== undefined; record = reader.next()) pipeline.packet(record);
	} catch (error) {
		if (!(error instanceof NotACaptureError)) throw error;
		return {notACapture: error.message, packets: 0, truncated: 0, corrupt: 0, alerts: []};
	}
	pipeline.flush();
	return {packets: pipeline.totals.packets, truncated: reader.stats.truncated, corrupt: reader.stats.corrupt, alerts: [...alerts].sort(), warning: reader.warning};
}

const smallPcap = smallCapture('stratum-dialects.pcap', 30);
const smallPcapng = smallCapture('bitcoin-magics.pcapng', 30);

describe('a small pcap and a small pcapng cut at every offset', () => {
	for (const [format, capture] of [['pcap', smallPcap], ['pcapng', smallPcapng]] as const) {
		test(`${format}: ${capture.file.length} bytes, ${capture.ends.length} records`, () => {
			const whole = readAndDetect(capture.file);
			assert.equal(whole.packets, capture.packetsAt.at(-1));
			assert.ok(whole.alerts.length >= 2, `the head of the fixture raises alerts (${whole.alerts.length})`);
			const atBoundary = new Map<number, InProcessRun>([[capture.headerLength, readAndDetect(capture.file.subarray(0, capture.headerLength))]]);
			for (const end of capture.ends) atBoundary.set(end, end === capture.file.length ? whole : readAndDetect(capture.file.subarray(0, end)));
			let lastBoundary = capture.headerLength;
			for (let offset = 0; offset <= capture.file.length; offset++) {
				const cut = readAndDetect(capture.file.subarray(0, offset));
				if (offset < capture.headerLength) {
					assert.match(cut.notACapture ?? '', offset === 0 ? /\(it is empty\)$/ : offset < 4 ? /\(it holds only \d bytes\)$/ : /ends inside its pcapn?g? file header/, `offset ${offset}`);
					continue;
				}
				if (atBoundary.has(offset)) lastBoundary = offset;
				const kept = atBoundary.get(lastBoundary)!;
				const inside = offset !== lastBoundary;
				assert.equal(cut.notACapture, undefined, `offset ${offset}`);
				assert.equal(cut.packets, kept.packets, `offset ${offset}: every whole record before the cut is read`);
				assert.deepEqual(cut.alerts, kept.alerts, `offset ${offset}: the alerts of everything before the cut are kept`);
				assert.equal(cut.truncated, inside ? 1 : 0, `offset ${offset}`);
				assert.equal(cut.corrupt, 0, `offset ${offset}`);
				assert.equal(cut.warning !== undefined, inside, `offset ${offset}: a warning exactly when a record was cut`);
			}
		});
	}
});

function write(name: string, bytes: Uint8Array | string): string {
	const file = path.join(scratch, name);
	writeFileSync(file, bytes);
	return file;
}

/** Exactly one line on standard error, the program's own, no stack trace. */
function assertOneLine(run: CliRun, pattern: RegExp): void {
	assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
	assert.equal(run.stderr.split('\n').filter((line) => line.length > 0).length, 1, `one line: ${run.stderr}`);
	assert.match(run.stderr.trimEnd(), pattern);
}

async function replay(file: string): Promise<CliRun> {
	return runCli(['-r', file, '--json']);
}

describe('damaged captures through the CLI', {skip}, () => {
	for (const [format, capture] of [['pcap', smallPcap], ['pcapng', smallPcapng]] as const) {
		test(`${format}: cuts inside the file header are not a capture (exit 2)`, async () => {
			for (const length of [1, 10, capture.headerLength - 1]) {
				const run = await replay(write(`header-${length}.${format}`, capture.file.subarray(0, length)));
				assert.equal(run.exitCode, exitCodes.badInput, `${length} bytes: ${run.stderr}`);
				assertOneLine(run, /^minewatch: .*header-\d+\.pcapn?g?: not a pcap or pcapng capture/);
				assert.equal(run.end?.reason, 'error');
			}
		});

		test(`${format}: cuts inside a record keep every record before it, with its alerts (exit 0, a warning)`, async () => {
			const whole = await replay(write(`whole.${format}`, capture.file));
			assert.equal(whole.exitCode, 0, whole.stderr);
			assert.equal(whole.stderr, '', 'a whole file warns of nothing');
			const lastRecordStart = capture.ends.at(-2)!;
			// Inside the last record's header, inside its data, and one byte short of its end.
			for (const offset of [lastRecordStart + 6, lastRecordStart + 20, capture.file.length - 1]) {
				const run = await replay(write(`cut-${offset}.${format}`, capture.file.subarray(0, offset)));
				assert.equal(run.exitCode, 0, run.stderr);
				assertOneLine(run, new RegExp(`^minewatch: warning: .*cut-${offset}\\.${format}: capture ends inside a record`));
				assert.equal(run.end?.truncated, 1);
				assert.equal(run.end?.packets, capture.packetsAt.at(-2));
				assert.deepEqual(run.alerts.map((alert) => alert.id).sort(), whole.alerts.map((alert) => alert.id).sort(), 'alerts raised before the cut are kept');
			}
		});

		test(`${format}: random bytes after the file header are corrupt or cut, never fatal (exit 0, a warning)`, async () => {
			const random = new SeededRandom(0x14c0_77e5);
			for (let attempt = 0; attempt < 3; attempt++) {
				const noise = random.bytes(random.integer(1, 4096));
				const run = await replay(write(`noise-${attempt}.${format}`, Buffer.concat([capture.file.subarray(0, capture.headerLength), noise])));
				assert.equal(run.exitCode, 0, run.stderr);
				assertOneLine(run, /^minewatch: warning: .*noise-\d\.pcapn?g?: (corrupt|capture ends inside)/);
				assert.ok(run.end!.corrupt + run.end!.truncated >= 1, 'the damage is counted');
			}
		});
	}

	test('pcapng: an unknown block between packets is skipped, nothing else changes (exit 0)', async () => {
		const {file, ends} = smallPcapng;
		const unknown = Buffer.alloc(20);
		unknown.writeUInt32LE(0x0000_7a11, 0);
		unknown.writeUInt32LE(20, 4);
		unknown.write('fuzz', 8);
		unknown.writeUInt32LE(20, 16);
		const at = ends[4]!;
		const withBlock = await replay(write('unknown-block.pcapng', Buffer.concat([file.subarray(0, at), unknown, file.subarray(at)])));
		const whole = await replay(write('whole.pcapng', file));
		assert.equal(withBlock.exitCode, 0, withBlock.stderr);
		assert.equal(withBlock.stderr, '');
		assert.equal(withBlock.end?.packets, whole.end?.packets);
		assert.equal(withBlock.end?.corrupt, 0);
		assert.deepEqual(withBlock.alerts.map((alert) => alert.id).sort(), whole.alerts.map((alert) => alert.id).sort());
	});

	test('pcapng: block lengths that lie stop reading there, what came before is kept (exit 0, a warning)', async () => {
		const {file, ends} = smallPcapng;
		const at = ends[9]!;
		const before = await replay(write('before-lie.pcapng', file.subarray(0, at)));
		// Longer than the block (its trailing copy disagrees), not a multiple of four, smaller than a block, past 16 MiB.
		for (const length of [file.readUInt32LE(at + 4) + 8, 13, 8, 0x7fff_fff0]) {
			const lying = Buffer.from(file);
			lying.writeUInt32LE(length, at + 4);
			const run = await replay(write(`lie-${length}.pcapng`, lying));
			assert.equal(run.exitCode, 0, run.stderr);
			assertOneLine(run, new RegExp(`^minewatch: warning: .*lie-${length}\\.pcapng: corrupt pcapng data at byte ${at} `));
			assert.equal(run.end?.corrupt, 1);
			assert.equal(run.end?.packets, smallPcapng.packetsAt[9]);
			assert.deepEqual(run.alerts.map((alert) => alert.id).sort(), before.alerts.map((alert) => alert.id).sort(), 'the alerts of the blocks before the lie are kept');
		}
	});

	test('pcapng: a packet time past the years a date holds is shown at that edge, not an internal error (exit 0)', async () => {
		const {file, ends} = smallPcapng;
		const future = Buffer.from(file);
		// The first enhanced packet block's high timestamp word, as a damaged file may hold it.
		const firstPacket = ends[smallPcapng.packetsAt.indexOf(1) - 1] ?? smallPcapng.headerLength;
		assert.equal(future.readUInt32LE(firstPacket), 6, 'an enhanced packet block');
		future.writeUInt32LE(0xffff_ffff, firstPacket + 12);
		const run = await replay(write('future.pcapng', future));
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.stderr, '');
		assert.equal(run.end?.packets, smallPcapng.packetsAt.at(-1));
		assert.ok(run.messages.some((message) => message.type === 'summary' && message.time === '+275760-09-13T00:00:00.000Z'));
	});

	test('pcap: a record length that points past the end of the file is a cut last record (exit 0, a warning)', async () => {
		const {file, ends} = smallPcap;
		const lastRecordStart = ends.at(-2)!;
		const lying = Buffer.from(file);
		lying.writeUInt32LE(lying.readUInt32LE(lastRecordStart + 8) + 100, lastRecordStart + 8);
		const run = await replay(write('past-the-end.pcap', lying));
		assert.equal(run.exitCode, 0, run.stderr);
		assertOneLine(run, /^minewatch: warning: .*past-the-end\.pcap: capture ends inside a record/);
		assert.equal(run.end?.packets, smallPcap.packetsAt.at(-2));
	});

	test('--loop over a capture without a packet reads it once, where it reopened the file thousands of times a second until stopped', async () => {
		for (const [name, bytes] of [['header-only.pcap', smallPcap.file.subarray(0, smallPcap.headerLength)], ['first-record-cut.pcapng', smallPcapng.file.subarray(0, smallPcapng.ends[1]! - 3)]] as const) {
			const run = await runCli(['-r', write(name, bytes), '--json', '--loop']);
			assert.equal(run.exitCode, 0, run.stderr);
			assert.equal(run.end?.reason, 'end-of-file');
			assert.equal(run.end?.packets, 0);
			assert.equal(run.end?.truncated, name === 'header-only.pcap' ? 0 : 1, 'one pass');
		}
	});

	test('not a capture, empty, a directory, missing, unreadable: exit 2, one line naming the file', async () => {
		const directory = path.join(scratch, 'a-directory.pcap');
		mkdirSync(directory);
		const unreadable = write('unreadable.pcap', smallPcap.file);
		chmodSync(unreadable, 0o000);
		const cases: [string, RegExp, Parameters<typeof runCli>[1]?][] = [
			[write('notes.pcap', 'these are not the packets you are looking for\n'), /notes\.pcap: not a pcap or pcapng capture \(it starts with bytes 74 68 65 73\)$/],
			[write('empty.pcap', ''), /empty\.pcap: not a pcap or pcapng capture \(it is empty\)$/],
			[directory, /a-directory\.pcap: is a directory, not a capture file$/],
			[path.join(scratch, 'missing.pcap'), /missing\.pcap: no such file$/],
			// Root reads any file whatever its mode, so as root the CLI runs as nobody (65534) for this one.
			[unreadable, /unreadable\.pcap: permission denied$/, process.getuid?.() === 0 ? {user: {uid: 65534, gid: 65534}} : undefined],
		];
		for (const [file, message, options] of cases) {
			const run = await runCli(['-r', file, '--json'], options);
			assert.equal(run.exitCode, exitCodes.badInput, `${file}: ${run.stderr}`);
			assertOneLine(run, message);
			assert.equal(run.end?.reason, 'error');
		}
	});
});
