import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {WorkerError} from '../../source/model/messages.js';
import type {UiExitReason, UiResult} from '../../source/view/closing-summary.js';
import {runTerminalSession, sessionResult, type SessionEnding} from '../../source/view/terminal-session.js';
import {FakeConnection, alert, summary} from '../ui/ui-test-kit.js';
import {FakeKeyboard, FakeScreen} from '../ui/terminal-double.js';

const nothingReceived = {summary: undefined, firstCaptureTime: undefined, alerts: [], alertsSeen: 0, end: undefined, error: undefined};

function startSession(start: (ending: SessionEnding) => void) {
	const connection = new FakeConnection();
	const screen = new FakeScreen(80, 24);
	const errors = new FakeScreen(80, 24);
	const keyboard = new FakeKeyboard();
	const events: string[] = [];
	const result = runTerminalSession({
		connection,
		stdin: keyboard.asStream(),
		stdout: screen.asStream(),
		stderr: errors.asStream(),
		start,
		result(reason: UiExitReason, wallMilliseconds: number, internalError: string | undefined): UiResult {
			events.push('result');
			return sessionResult(nothingReceived, reason, wallMilliseconds, internalError);
		},
		restore() {
			events.push('restore');
			screen.asStream().write('[restored]');
		},
	});
	return {connection, keyboard, screen, errors, events, result};
}

test('a signal ends the session once: result read, terminal restored, worker stopped, summary printed last', async () => {
	const listenersBefore = process.listenerCount('SIGTERM');
	let ending: SessionEnding | undefined;
	const session = startSession(given => {
		ending = given;
	});
	assert.equal(process.listenerCount('SIGTERM'), listenersBefore + 1);
	process.emit('SIGTERM', 'SIGTERM');
	ending?.finish('quit');
	const result = await session.result;
	assert.equal(result.reason, 'signal');
	assert.equal(result.exitCode, 0);
	assert.deepEqual(session.events, ['result', 'restore']);
	assert.deepEqual(session.connection.sent, [{type: 'stop'}]);
	assert.match(session.screen.output, /^\[restored\]minewatch watched the capture for /);
	assert.equal(process.listenerCount('SIGTERM'), listenersBefore, 'its process handlers are gone');
	assert.equal(session.errors.output, '');
});

test('SIGHUP ends the session as a hangup: terminal restored, worker stopped', async () => {
	const listenersBefore = process.listenerCount('SIGHUP');
	const session = startSession(() => {});
	process.emit('SIGHUP', 'SIGHUP');
	const result = await session.result;
	assert.equal(result.reason, 'hangup');
	assert.deepEqual(session.events, ['result', 'restore']);
	assert.deepEqual(session.connection.sent, [{type: 'stop'}]);
	assert.equal(process.listenerCount('SIGHUP'), listenersBefore, 'its process handlers are gone');
});

test('EIO from the terminal is a hangup too, and later terminal errors (restoring, the summary) are absorbed', async () => {
	const eio = Object.assign(new Error('read EIO'), {code: 'EIO'});
	const session = startSession(() => {});
	session.keyboard.emit('error', eio);
	const result = await session.result;
	assert.equal(result.reason, 'hangup');
	assert.deepEqual(session.connection.sent, [{type: 'stop'}]);
	session.screen.emit('error', Object.assign(new Error('write EIO'), {code: 'EIO'}));
	session.errors.emit('error', Object.assign(new Error('write EIO'), {code: 'EIO'}));
	assert.equal(result.exitCode, 0);
});

test('a renderer that fails to start ends the session as an internal error, and the terminal is still given back', async () => {
	const session = startSession(() => {
		throw new Error('no screen');
	});
	const result = await session.result;
	assert.equal(result.reason, 'internal-error');
	assert.equal(result.exitCode, 1);
	assert.equal(result.internalError, 'no screen');
	assert.deepEqual(session.events, ['result', 'restore']);
	assert.match(session.screen.output, /Stopped by an internal error: no screen/);
});

test('a fatal worker error is reported on standard error and the dead worker is not told to stop', async () => {
	const connection = new FakeConnection();
	const screen = new FakeScreen(80, 24);
	const errors = new FakeScreen(80, 24);
	const error: WorkerError = {type: 'error', exitCode: 2, message: 'capture file is cut short', hint: ['re-run with a complete file']};
	const result = await runTerminalSession({
		connection,
		stdin: new FakeKeyboard().asStream(),
		stdout: screen.asStream(),
		stderr: errors.asStream(),
		start(ending) {
			ending.finish('worker-error');
		},
		result: (reason, wallMilliseconds, internalError) => sessionResult({...nothingReceived, error}, reason, wallMilliseconds, internalError),
		restore() {},
	});
	assert.equal(result.exitCode, 2);
	assert.equal(errors.output, 'minewatch: capture file is cut short\n  re-run with a complete file\n');
	assert.deepEqual(connection.sent, []);
});

test('the session result measures capture time from the first summary to the last and puts the strongest alerts first', () => {
	const first = summary({time: '2024-05-01T10:00:00.000Z'});
	const last = summary({time: '2024-05-01T10:03:00.000Z'});
	const strongest = {alert: alert({id: 'c', severity: 'critical'}), acknowledged: false};
	const weaker = {alert: alert({id: 'h'}), count: 4, acknowledged: false};
	const result = sessionResult({summary: last, firstCaptureTime: first.time, alerts: [weaker, strongest], alertsSeen: 2, end: undefined, error: undefined}, 'quit', 5000);
	assert.equal(result.captureMilliseconds, 180_000);
	assert.equal(result.packets, last.totals.packets);
	assert.equal(result.alertsSeen, 2);
	assert.deepEqual(result.topAlerts, [strongest, weaker]);
});
