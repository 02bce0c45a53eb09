import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {PassThrough} from 'node:stream';
import {setTimeout as sleep} from 'node:timers/promises';
import {writePcap, type WrittenPacket} from '../../fixtures/builder/capture-writer.js';
import {CaptureReader, NotACaptureError} from '../../source/capture/capture-reader.js';
import {PacketPump, type PacketPumpOptions} from '../../source/capture/packet-pump.js';
import {linkTypes} from '../../source/decode/packet-record.js';
import {ManualClock} from '../support/manual-clock.js';
import {dnsQueryFrame} from './reader-helpers.js';

const baseMicros = 1_700_000_000_000_000;
const second = 1_000_000;

interface Delivery {
	timestampMicros: number;
	/** On the test's clock. */
	atMillis: number;
	firstByte: number;
}

/** Packets whose first data byte numbers them, so delivery order is visible. */
function numberedPackets(offsetsMicros: number[]): WrittenPacket[] {
	return offsetsMicros.map((offset, index) => {
		const data = Buffer.from(dnsQueryFrame);
		data[0] = index;
		return {timestampMicros: baseMicros + offset, data};
	});
}

function startPump(file: Buffer, options: Partial<PacketPumpOptions> = {}) {
	const readable = new PassThrough();
	readable.end(file);
	const deliveries: Delivery[] = [];
	const clock = new ManualClock();
	const pump = new PacketPump({
		readable,
		reader: new CaptureReader('test.pcap'),
		deliver: record => deliveries.push({timestampMicros: record.timestampMicros, atMillis: clock.now(), firstByte: record.data[record.offset]!}),
		clock,
		...options,
	});
	let end: string | undefined;
	const ended = pump.run().then(reason => {
		end = reason;
		return reason;
	});
	return {pump, readable, deliveries, clock, ended, finished: () => end !== undefined};
}

/** Lets the stream's reads happen (real I/O, no timing asserted). */
async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(1);
}

/** Runs a paced pump to its end on its manual clock: each wake-up as soon as the pump waits on one. */
async function runOnClock(started: ReturnType<typeof startPump>): Promise<string> {
	while (!started.finished()) {
		if (!started.clock.fireNext()) await sleep(1);
	}

	return started.ended;
}

describe('packet pump', () => {
	test('as fast as possible: every packet in order, then end-of-file', async () => {
		const file = writePcap(numberedPackets([0, 5 * second, 3600 * second]), {linkType: linkTypes.ethernet});
		const {deliveries, ended} = startPump(file, {speed: 'max'});
		assert.equal(await ended, 'end-of-file');
		assert.deepEqual(deliveries.map(delivery => delivery.firstByte), [0, 1, 2]);
	});

	test('as fast as possible still lets timers run during a long capture', async () => {
		const offsets = Array.from({length: 20_000}, (_, index) => index);
		const file = writePcap(numberedPackets(offsets), {linkType: linkTypes.ethernet});
		let deliveredWhenTimerRan: number | undefined;
		const {deliveries, ended} = startPump(file, {speed: 'max'});
		setTimeout(() => {
			deliveredWhenTimerRan = deliveries.length;
		}, 0);
		assert.equal(await ended, 'end-of-file');
		assert.equal(deliveries.length, 20_000);
		assert.ok(deliveredWhenTimerRan !== undefined && deliveredWhenTimerRan < 20_000, `timer ran after ${deliveredWhenTimerRan} packets`);
	});

	test('paced at speed 10: each packet goes out when its capture offset / 10 falls due, in order', async () => {
		const offsets = [0, 10_000, second + 10_000, second + 20_000];
		const file = writePcap(numberedPackets(offsets), {linkType: linkTypes.ethernet});
		const started = startPump(file, {speed: 10});
		assert.equal(await runOnClock(started), 'end-of-file');
		assert.deepEqual(started.deliveries.map(delivery => [delivery.firstByte, delivery.atMillis]), [[0, 0], [1, 1], [2, 101], [3, 102]]);
	});

	test('a capture-time gap over a minute replays as one second, then pacing resumes', async () => {
		const file = writePcap(numberedPackets([0, 3600 * second, 3600 * second + 200_000]), {linkType: linkTypes.ethernet});
		const started = startPump(file, {speed: 1});
		assert.equal(await runOnClock(started), 'end-of-file');
		assert.deepEqual(started.deliveries.map(delivery => [delivery.firstByte, delivery.atMillis]), [[0, 0], [1, 1000], [2, 1200]]);
	});

	test('while a packet is held the source is paused, and a wait beyond any timer is taken in steps', async () => {
		// 59 s (under the minute a long gap is shortened from) at 0.01x: due 5900 s after the first.
		const file = writePcap(numberedPackets([0, 59 * second]), {linkType: linkTypes.ethernet});
		const {pump, readable, deliveries, clock, ended} = startPump(file, {speed: 0.01});
		await until(() => clock.pending === 1);
		assert.equal(readable.isPaused(), true);
		clock.fireNext();
		clock.fireNext();
		assert.equal(deliveries.length, 1, 'still held after two steps');
		// Node turns a timer over 2^31 - 1 ms into 1 ms: every step stays far below.
		assert.deepEqual(clock.requested, [60_000, 60_000, 60_000]);
		pump.stop();
		assert.equal(await ended, 'stopped');
	});

	test('stop ends promptly and delivers nothing more', async () => {
		const file = writePcap(numberedPackets([0, 3600 * second, 3601 * second]), {linkType: linkTypes.ethernet});
		const {pump, deliveries, clock, ended} = startPump(file, {speed: 1});
		await until(() => clock.pending === 1);
		pump.stop();
		assert.equal(await ended, 'stopped');
		assert.equal(clock.pending, 0, 'no wake-up left to deliver anything');
		assert.equal(deliveries.length, 1);
	});

	test('stop before run resolves as stopped without reading', async () => {
		const readable = new PassThrough();
		readable.end(writePcap(numberedPackets([0]), {linkType: linkTypes.ethernet}));
		let delivered = 0;
		const pump = new PacketPump({readable, reader: new CaptureReader('test.pcap'), deliver: () => delivered++});
		pump.stop();
		assert.equal(await pump.run(), 'stopped');
		assert.equal(delivered, 0);
	});

	test('maxPackets ends with count after exactly that many packets', async () => {
		const file = writePcap(numberedPackets([0, 1, 2, 3, 4]), {linkType: linkTypes.ethernet});
		const {deliveries, ended} = startPump(file, {maxPackets: 3});
		assert.equal(await ended, 'count');
		assert.deepEqual(deliveries.map(delivery => delivery.firstByte), [0, 1, 2]);
	});

	test('pause holds delivery and the capture clock; resume carries on', async () => {
		const file = writePcap(numberedPackets([0, 500_000]), {linkType: linkTypes.ethernet});
		const started = startPump(file, {speed: 10});
		const {pump, deliveries, clock} = started;
		await until(() => clock.pending === 1);
		clock.advanceTo(10);
		pump.pause();
		assert.equal(pump.paused, true);
		clock.advanceTo(150);
		assert.equal(deliveries.length, 1, 'nothing delivered while paused, though the packet fell due');
		pump.resume();
		assert.equal(await runOnClock(started), 'end-of-file');
		// Due at 50 ms; paused from 10 to 150, so the 40 ms it still had to wait are owed after resuming.
		assert.deepEqual(deliveries.map(delivery => delivery.atMillis), [0, 190]);
	});

	test('paused before run: nothing is delivered until resume', async () => {
		const readable = new PassThrough();
		readable.end(writePcap(numberedPackets([0, 1]), {linkType: linkTypes.ethernet}));
		let delivered = 0;
		const pump = new PacketPump({readable, reader: new CaptureReader('test.pcap'), deliver: () => delivered++, speed: 'max'});
		pump.pause();
		const ended = pump.run();
		await sleep(30);
		assert.equal(delivered, 0);
		pump.resume();
		assert.equal(await ended, 'end-of-file');
		assert.equal(delivered, 2);
	});

	test('pause, resume and speed changes from inside deliver neither repeat nor skip packets', async () => {
		const readable = new PassThrough();
		readable.end(writePcap(numberedPackets([0, 1, 2, 3]), {linkType: linkTypes.ethernet}));
		const delivered: number[] = [];
		const pump: PacketPump = new PacketPump({
			readable,
			reader: new CaptureReader('test.pcap'),
			speed: 10,
			deliver: record => {
				delivered.push(record.data[record.offset]!);
				pump.pause();
				pump.setSpeed('max');
				pump.resume();
			},
		});
		assert.equal(await pump.run(), 'end-of-file');
		assert.deepEqual(delivered, [0, 1, 2, 3]);
	});

	test('changing speed mid-run reschedules the held packet', async () => {
		const file = writePcap(numberedPackets([0, 60 * second, 3600 * second]), {linkType: linkTypes.ethernet});
		const started = startPump(file, {speed: 1});
		const {pump, deliveries, clock} = started;
		await until(() => clock.pending === 1);
		clock.advanceTo(10);
		// 10 ms of the minute played at 1x; the 59.99 s left take 59.99 ms at 1000x.
		pump.setSpeed(1000);
		clock.fireNext();
		assert.deepEqual(deliveries.map(delivery => [delivery.firstByte, delivery.atMillis]), [[0, 0], [1, 70]]);
		pump.setSpeed('max');
		assert.equal(await runOnClock(started), 'end-of-file');
		assert.deepEqual(deliveries.map(delivery => [delivery.firstByte, delivery.atMillis]), [[0, 0], [1, 70], [2, 70]]);
	});

	test('a capture clock that steps back a day neither stalls nor loses pacing', async () => {
		const day = 86_400 * second;
		const file = writePcap(numberedPackets([0, 200_000, 300_000 - day, 800_000 - day, 850_000 - day]), {linkType: linkTypes.ethernet});
		const started = startPump(file, {speed: 10});
		assert.equal(await runOnClock(started), 'end-of-file');
		// The step back starts a new timeline at once; pacing continues on it.
		assert.deepEqual(started.deliveries.map(delivery => [delivery.firstByte, delivery.atMillis]), [[0, 0], [1, 20], [2, 20], [3, 70], [4, 75]]);
	});

	test('slightly reordered packets go out at once without shifting the schedule', async () => {
		const file = writePcap(numberedPackets([0, 400_000, 390_000, 600_000]), {linkType: linkTypes.ethernet});
		const started = startPump(file, {speed: 10});
		assert.equal(await runOnClock(started), 'end-of-file');
		assert.deepEqual(started.deliveries.map(delivery => [delivery.firstByte, delivery.atMillis]), [[0, 0], [1, 40], [2, 40], [3, 60]]);
	});

	test('bytes arriving over time, as from a live capture helper, are delivered as they come', async () => {
		const file = writePcap(numberedPackets([0, 1, 2]), {linkType: linkTypes.ethernet});
		const readable = new PassThrough();
		const deliveries: number[] = [];
		const pump = new PacketPump({readable, reader: new CaptureReader('tcpdump on lo'), deliver: record => deliveries.push(record.data[record.offset]!)});
		const ended = pump.run();
		const firstRecordEnd = 24 + 16 + dnsQueryFrame.length;
		readable.write(file.subarray(0, firstRecordEnd + 7));
		await until(() => deliveries.length === 1);
		readable.write(file.subarray(firstRecordEnd + 7));
		await until(() => deliveries.length === 3);
		readable.end();
		assert.equal(await ended, 'end-of-file');
		assert.deepEqual(deliveries, [0, 1, 2]);
	});

	test('input that is not a capture rejects with NotACaptureError', async () => {
		const readable = new PassThrough();
		readable.end(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
		const pump = new PacketPump({readable, reader: new CaptureReader('request.txt'), deliver: () => {}});
		await assert.rejects(pump.run(), (error: unknown) => error instanceof NotACaptureError && error.message.startsWith('request.txt: not a pcap'));
	});

	test('a stream error rejects the run', async () => {
		const readable = new PassThrough();
		const pump = new PacketPump({readable, reader: new CaptureReader('test.pcap'), deliver: () => {}});
		const ended = pump.run();
		readable.destroy(new Error('device went away'));
		await assert.rejects(ended, /device went away/);
	});
});
