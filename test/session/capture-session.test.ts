// A live session's stop, for real on the loopback interface with each helper: what the helper
// delivered is processed or counted as discarded, never lost, so the end record adds up.
import assert from 'node:assert/strict';
import {createSocket} from 'node:dgram';
import {once} from 'node:events';
import {test, type TestContext} from 'node:test';
import {CaptureSession} from '../../source/session/capture-session.js';
import {captureHelperNames, type CaptureHelperName} from '../../source/capture/live-capture.js';
import type {End, WorkerMessage} from '../../source/model/messages.js';
import {resolveOptions} from '../../source/options.js';
import {delay, helperMissing, isRoot, skipLive, waitFor} from '../capture/live-support.js';

const datagrams = 3000;

async function freeUdpPort(): Promise<number> {
	const probe = createSocket('udp4');
	probe.bind(0, '127.0.0.1');
	await once(probe, 'listening');
	const {port} = probe.address();
	probe.close();
	return port;
}

/** A live session on lo for UDP to `port`, with every message it posts kept. */
function liveSession(helper: CaptureHelperName, port: number, extra: {count?: string} = {}): {session: CaptureSession; messages: WorkerMessage[]} {
	const {session: options} = resolveOptions({
		interface: 'lo', filter: `udp port ${port}`, capture: helper, listInterfaces: false, loop: false, json: true, wall: false, allow: [], interval: '0.2', ...extra,
	}, false);
	const messages: WorkerMessage[] = [];
	// Without an unprivileged user to switch to, the session never posts source-open.
	return {session: new CaptureSession(options, message => messages.push(message as WorkerMessage)), messages};
}

/** Sends `count` datagrams to 127.0.0.1:`port`, a few at a time so the socket buffer never overflows. */
async function sendDatagrams(port: number, count: number): Promise<void> {
	const socket = createSocket('udp4');
	const payload = Buffer.alloc(200, 0x61);
	for (let index = 0; index < count; index++) {
		socket.send(payload, port, '127.0.0.1');
		if (index % 50 === 49) await delay(1);
	}
	await new Promise<void>(resolve => socket.close(() => resolve()));
}

function endOf(messages: WorkerMessage[]): End {
	const end = messages.find((message): message is End => message.type === 'end');
	assert.ok(end !== undefined, `an end record: ${JSON.stringify(messages.filter(message => message.type === 'error'))}`);
	return end;
}

function sessionStarted(messages: WorkerMessage[]): Promise<boolean> {
	return waitFor(() => messages.some(message => message.type === 'summary'), 10_000);
}

function skipUnlessLive(t: TestContext, helper: CaptureHelperName): boolean {
	return skipLive(t, isRoot() ? helperMissing(helper) : 'not root');
}

for (const helper of captureHelperNames) {
	test(`${helper}: a stop while delivered packets wait unprocessed counts them as discarded (processed + discarded = delivered)`, {timeout: 60_000}, async t => {
		if (skipUnlessLive(t, helper)) return;
		const port = await freeUdpPort();
		const {session, messages} = liveSession(helper, port);
		const running = session.run();
		assert.ok(await sessionStarted(messages), 'the capture started');
		await sendDatagrams(port, 100);
		assert.ok(await waitFor(() => messages.some(message => message.type === 'summary' && message.totals.packets === 100), 10_000), 'the first 100 were processed');
		// Paused, nothing more is processed; what the helper delivers meanwhile waits in the pipe.
		session.control({type: 'pause'});
		await sendDatagrams(port, datagrams);
		await delay(helper === 'tcpdump' ? 1500 : 500); // past the helper's buffer timeout, so it has handed them over
		session.control({type: 'stop'});
		await running;
		const end = endOf(messages);
		assert.equal(end.reason, 'stopped');
		assert.ok(end.capture !== undefined);
		assert.equal(end.packets, 100, 'nothing was processed after the pause');
		assert.equal(end.packets + end.capture.discarded, end.capture.delivered);
		assert.ok(end.capture.discarded > 0, `the packets waiting at the stop are counted: ${JSON.stringify(end.capture)}`);
		if ((end.capture.dropped ?? 0) === 0 && (end.capture.helperDropped ?? 0) === 0) {
			assert.equal(end.capture.delivered, 100 + datagrams, 'with no drop, every datagram was delivered');
		}
	});

	test(`${helper}: a stop with packets still arriving processes what was delivered, within the drain deadline`, {timeout: 60_000}, async t => {
		if (skipUnlessLive(t, helper)) return;
		const port = await freeUdpPort();
		const {session, messages} = liveSession(helper, port);
		const running = session.run();
		assert.ok(await sessionStarted(messages), 'the capture started');
		await sendDatagrams(port, datagrams);
		session.control({type: 'stop'});
		await running;
		const end = endOf(messages);
		assert.equal(end.reason, 'stopped');
		assert.ok(end.capture !== undefined);
		assert.equal(end.packets + end.capture.discarded, end.capture.delivered);
		assert.equal(end.capture.discarded, 0, `${datagrams} packets are processed well within the deadline: ${JSON.stringify(end.capture)}`);
		if ((end.capture.dropped ?? 0) === 0) {
			// The helper was asked to stop only after the last datagram was sent: it delivers them all.
			assert.equal(end.capture.delivered, datagrams, `every datagram sent before the stop: ${JSON.stringify(end.capture)}`);
		}
	});

	test(`${helper}: --count stops processing at the count and counts the rest as discarded`, {timeout: 60_000}, async t => {
		if (skipUnlessLive(t, helper)) return;
		const port = await freeUdpPort();
		const {session, messages} = liveSession(helper, port, {count: '500'});
		const running = session.run();
		assert.ok(await sessionStarted(messages), 'the capture started');
		const sending = sendDatagrams(port, datagrams);
		await running;
		await sending;
		const end = endOf(messages);
		assert.equal(end.reason, 'count');
		assert.equal(end.packets, 500);
		assert.ok(end.capture !== undefined);
		assert.equal(end.packets + end.capture.discarded, end.capture.delivered);
	});
}
