import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {performance} from 'node:perf_hooks';
import {PassThrough} from 'node:stream';
import {setTimeout as sleep} from 'node:timers/promises';
import {writePcap, type WrittenPacket} from '../../fixtures/builder/capture-writer.js';
import {CaptureReader, NotACaptureError} from '../../source/capture/capture-reader.js';
import {PacketPump, type PacketPumpOptions} from '../../source/capture/packet-pump.js';
import {linkTypes} from '../../source/capture/packet-record.js';
import {dnsQueryFrame} from './reader-helpers.js';

const baseMicros = 1_700_000_000_000_000;
const second = 1_000_000;

interface Delivery {
	timestampMicros: number;
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

function startPump(file: Buffer, options: Partial<PacketPumpOptions> = {}): {pump: PacketPump; readable: PassThrough; deliveries: Delivery[]; ended: Promise<string>} {
	const readable = new PassThrough();
	readable.end(file);
	const deliveries: Delivery[] = [];
	const pump = new PacketPump({
		readable,
		reader: new CaptureReader('test.pcap'),
		deliver: record => deliveries.push({timestampMicros: record.timestampMicros, atMillis: performance.now(), firstByte: record.data[record.offset]!}),
		...options,
	});
	return {pump, readable, deliveries, ended: pump.run()};
}

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(2);
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

	test('paced at speed 10: no packet goes out before its capture offset / 10, order kept', async () => {
		const offsets = [0, 10_000, second + 10_000, second + 20_000];
		const file = writePcap(numberedPackets(offsets), {linkType: linkTypes.ethernet});
		// From before the pump starts, so the bound holds however late a busy machine delivers any packet:
		// lateness is allowed, earliness is not (a gap between two deliveries shrinks when the first is late).
		const started = performance.now();
		const {deliveries, ended} = startPump(file, {speed: 10});
		assert.equal(await ended, 'end-of-file');
		assert.deepEqual(deliveries.map(delivery => delivery.firstByte), [0, 1, 2, 3]);
		deliveries.forEach((delivery, index) => {
			const dueMillis = offsets[index]! / 1000 / 10;
			assert.ok(delivery.atMillis - started >= dueMillis, `packet ${index} went out ${delivery.atMillis - started} ms in, due at ${dueMillis} ms`);
		});
	});

	test('a capture-time gap over a minute replays as one second, then pacing resumes', {timeout: 30_000}, async () => {
		const file = writePcap(numberedPackets([0, 3600 * second, 3600 * second + 200_000]), {linkType: linkTypes.ethernet});
		const started = performance.now();
		const {deliveries, ended} = startPump(file, {speed: 1});
		assert.equal(await ended, 'end-of-file');
		assert.deepEqual(deliveries.map(delivery => delivery.firstByte), [0, 1, 2]);
		assert.ok(deliveries[1]!.atMillis - started >= 990, `shortened gap took ${deliveries[1]!.atMillis - started} ms`);
		assert.ok(deliveries[2]!.atMillis - started >= 1190, 'the 200 ms after the gap keep their pace');
	});

	test('while a packet is held the source is paused, even for a wait beyond any timer', async () => {
		const warnings: string[] = [];
		const onWarning = (warning: Error): number => warnings.push(warning.name);
		process.on('warning', onWarning);
		const file = writePcap(numberedPackets([0, 100 * 86_400 * second]), {linkType: linkTypes.ethernet});
		const {pump, readable, deliveries, ended} = startPump(file, {speed: 1});
		await until(() => deliveries.length === 1);
		await sleep(20);
		assert.equal(readable.isPaused(), true);
		assert.equal(deliveries.length, 1);
		pump.stop();
		assert.equal(await ended, 'stopped');
		process.off('warning', onWarning);
		assert.deepEqual(warnings, []);
	});

	test('stop ends promptly and delivers nothing more', async () => {
		const file = writePcap(numberedPackets([0, 3600 * second, 3601 * second]), {linkType: linkTypes.ethernet});
		const {pump, deliveries, ended} = startPump(file, {speed: 1});
		await until(() => deliveries.length === 1);
		pump.stop();
		assert.equal(await ended, 'stopped');
		await sleep(20);
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
		const started = performance.now();
		const {pump, deliveries, ended} = startPump(file, {speed: 10});
		await until(() => deliveries.length === 1);
		pump.pause();
		assert.equal(pump.paused, true);
		await sleep(150);
		assert.equal(deliveries.length, 1, 'nothing delivered while paused, though the packet fell due');
		const resumedAt = performance.now();
		pump.resume();
		assert.equal(await ended, 'end-of-file');
		assert.equal(deliveries.length, 2);
		assert.ok(deliveries[1]!.atMillis >= resumedAt);
		// The 50 ms the packet still had to wait when paused are still owed after resuming.
		assert.ok(deliveries[1]!.atMillis - started >= 150 + 40);
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
		const {pump, deliveries, ended} = startPump(file, {speed: 1});
		await until(() => deliveries.length === 1);
		const changedAt = performance.now();
		pump.setSpeed(1000);
		await until(() => deliveries.length === 2);
		assert.ok(deliveries[1]!.atMillis - changedAt >= 50, 'about 60 ms of the minute remain at 1000x');
		pump.setSpeed('max');
		assert.equal(await ended, 'end-of-file');
		assert.deepEqual(deliveries.map(delivery => delivery.firstByte), [0, 1, 2]);
	});

	test('a capture clock that steps back a day neither stalls nor loses pacing', {timeout: 60_000}, async () => {
		const day = 86_400 * second;
		const file = writePcap(numberedPackets([0, 200_000, 300_000 - day, 800_000 - day, 850_000 - day]), {linkType: linkTypes.ethernet});
		const {deliveries, ended} = startPump(file, {speed: 10});
		assert.equal(await ended, 'end-of-file');
		assert.deepEqual(deliveries.map(delivery => delivery.firstByte), [0, 1, 2, 3, 4]);
		assert.ok(deliveries[3]!.atMillis - deliveries[2]!.atMillis >= 45, 'pacing continues on the new timeline');
	});

	test('slightly reordered packets go out at once without shifting the schedule', async () => {
		const file = writePcap(numberedPackets([0, 400_000, 390_000, 600_000]), {linkType: linkTypes.ethernet});
		const {deliveries, ended} = startPump(file, {speed: 10});
		assert.equal(await ended, 'end-of-file');
		assert.deepEqual(deliveries.map(delivery => delivery.firstByte), [0, 1, 2, 3]);
		assert.ok(deliveries[3]!.atMillis - deliveries[0]!.atMillis >= 55);
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
