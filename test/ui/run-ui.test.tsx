import {test} from 'node:test';
import assert from 'node:assert/strict';
import {runUi, closingSummary, type UiResult} from '../../source/ui/run-ui.js';
import {FakeConnection, FakeWorker, alert, miningHosts, waitFor} from './ui-test-kit.js';
import {FakeKeyboard, FakeScreen} from './terminal-double.js';

const enter = '\u001B[?1049h';
const leave = '\u001B[?1049l';
const showCursor = '\u001B[?25h';

function start(columns = 120, rows = 40) {
	const connection = new FakeConnection();
	const worker = new FakeWorker(connection, miningHosts);
	const keyboard = new FakeKeyboard();
	const screen = new FakeScreen(columns, rows);
	const errors = new FakeScreen(200, 50);
	const result = runUi(connection, {stdin: keyboard.asStream(), stdout: screen.asStream(), stderr: errors.asStream(), replay: true, speed: 10});
	return {connection, worker, keyboard, screen, errors, result};
}

test('runUi takes the alternate screen, and q gives the terminal back and prints the summary', async () => {
	const ui = start();
	assert.ok(ui.screen.output.startsWith(enter), 'the alternate screen first');
	await waitFor(() => ui.screen.output.includes('192.168.2.148'), 'the host table drawn');
	assert.equal(ui.keyboard.isRaw, true);
	ui.connection.emit(alert());
	await waitFor(() => ui.screen.output.includes('content: Stratum'), 'the alert drawn');
	ui.keyboard.type('q');
	const result = await ui.result;
	assert.equal(result.reason, 'quit');
	assert.equal(result.exitCode, 0);
	assert.equal(ui.keyboard.isRaw, false, 'raw mode left');
	const afterLeave = ui.screen.output.slice(ui.screen.output.lastIndexOf(leave));
	assert.ok(ui.screen.output.lastIndexOf(showCursor) < ui.screen.output.lastIndexOf(leave), 'cursor shown before leaving');
	assert.match(afterLeave, /minewatch watched mining\.pcapng for \d+s/);
	assert.match(afterLeave, /673 packets, 217 kB, 4 flows/);
	assert.match(afterLeave, /Open alerts: 0 critical, 2 high, 1 medium, 0 low; 1 distinct alert in all\./);
	assert.match(afterLeave, /▲ HIGH 192\.168\.2\.148 → 94\.23\.199\.191:3333 mining Stratum · content: Stratum mining\.subscribe/);
	assert.deepEqual(ui.connection.sent.at(-1), {type: 'stop'});
	assert.equal(ui.connection.listenerCount, 0, 'unsubscribed from the worker');
});

test('a fatal worker error restores the terminal and ends with its exit code', async () => {
	const ui = start();
	await waitFor(() => ui.screen.output.includes('192.168.2.148'), 'the host table drawn');
	ui.connection.emit({type: 'error', exitCode: 2, message: 'capture file is cut short', hint: ['re-run with a complete file']});
	const result = await ui.result;
	assert.equal(result.reason, 'worker-error');
	assert.equal(result.exitCode, 2);
	assert.ok(ui.screen.output.includes(leave));
	assert.equal(ui.keyboard.isRaw, false);
	assert.match(ui.errors.output, /minewatch: capture file is cut short\n {2}re-run with a complete file/);
	assert.match(ui.screen.output.slice(ui.screen.output.lastIndexOf(leave)), /Stopped by an error: capture file is cut short/);
	assert.equal(ui.connection.sent.filter(message => message.type === 'stop').length, 0, 'a dead worker is not told to stop');
});

test('SIGTERM restores the terminal', async () => {
	const ui = start();
	await waitFor(() => ui.screen.output.includes('192.168.2.148'), 'the host table drawn');
	process.emit('SIGTERM', 'SIGTERM');
	const result = await ui.result;
	assert.equal(result.reason, 'signal');
	assert.equal(result.exitCode, 0);
	assert.ok(ui.screen.output.includes(leave));
	assert.equal(ui.keyboard.isRaw, false);
});

test('an uncaught error restores the terminal and maps to the internal exit code', async () => {
	// The test runner's own handler would fail the test; it is set aside while runUi handles the error.
	const runnerHandlers = process.listeners('uncaughtException');
	process.removeAllListeners('uncaughtException');
	const ui = start();
	await waitFor(() => ui.screen.output.includes('192.168.2.148'), 'the host table drawn');
	const emitUncaught = process.emit.bind(process) as (event: string, error: Error) => boolean;
	emitUncaught('uncaughtException', new Error('boom in a listener'));
	const result = await ui.result;
	for (const handler of runnerHandlers) {
		process.on('uncaughtException', handler);
	}

	assert.equal(result.reason, 'internal-error');
	assert.equal(result.exitCode, 1);
	assert.ok(ui.screen.output.includes(leave));
	assert.match(ui.screen.output, /Stopped by an internal error: boom in a listener/);
	assert.equal(process.listenerCount('uncaughtException'), runnerHandlers.length);
});

test('the closing summary names the strongest alerts, strongest first', () => {
	const critical = alert({id: 'c', severity: 'critical', host: '10.0.2.15', peer: '192.110.160.114', evidence: ['content: CryptoNote login with a Monero wallet']});
	const result: UiResult = {
		reason: 'quit',
		exitCode: 0,
		wallMilliseconds: 192_000,
		source: {kind: 'live', name: 'eth0', filter: 'tcp', captureHelper: 'dumpcap'},
		captureMilliseconds: 191_000,
		packets: 12_345,
		bytes: 3_400_000,
		flows: 12,
		alertsOpen: {low: 0, medium: 0, high: 1, critical: 1},
		alertsSeen: 2,
		topAlerts: [{alert: critical, acknowledged: false}, {alert: alert({count: 3}), acknowledged: false}],
	};
	const text = closingSummary(result);
	assert.equal(text.split('\n').some(line => line.trim() === ''), false, 'one paragraph');
	assert.match(text, /^minewatch watched live eth0 filter "tcp" via dumpcap for 3m 12s \(capture time 3m 11s\): 12,345 packets, 3\.40 MB, 12 flows\./);
	assert.match(text, /Open alerts: 1 critical, 1 high, 0 medium, 0 low; 2 distinct alerts in all\./);
	const lines = text.split('\n');
	assert.match(lines[3] ?? '', /✖ CRIT 10\.0\.2\.15 → 192\.110\.160\.114:3333 mining Stratum · content: CryptoNote login/);
	assert.match(lines[4] ?? '', /▲ HIGH 192\.168\.2\.148 → 94\.23\.199\.191:3333 mining Stratum ×3/);
});

test('the closing summary says 1 packet, 1 flow and 1 alert in the singular', () => {
	const result: UiResult = {
		reason: 'quit',
		exitCode: 0,
		wallMilliseconds: 1000,
		source: {kind: 'file', name: 'one.pcap'},
		packets: 1,
		bytes: 60,
		flows: 1,
		alertsOpen: {low: 0, medium: 0, high: 1, critical: 0},
		alertsSeen: 1,
		topAlerts: [],
	};
	assert.match(closingSummary(result), /: 1 packet, 60 B, 1 flow\.\nOpen alerts: .*; 1 distinct alert in all\.$/);
});
