import {test} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import {toDisplay} from '../../source/model/sanitize.js';
import {MonitorStore} from '../../source/ui/monitor-store.js';
import {MonitorApp} from '../../source/ui/monitor-app.js';
import {FakeConnection, FakeWorker, alert, delay, foreignControls, host, keys, miningHosts, waitFor} from './ui-test-kit.js';

// What an attacker puts in a DNS answer, a Stratum agent or a worker name.
const titleInjection = '\u001B]0;pwned\u0007';
const clipboardInjection = '\u001B]52;c;cm0gLXJmIH4=\u0007';
const clearScreen = '\u001B[2J';
const carriageReturn = 'ok\rEVIL';
const bidiOverride = 'exe.\u202Etxt';

const hostileTexts = [titleInjection, clipboardInjection, clearScreen, carriageReturn, bidiOverride, 'bell\u0007back\bspace'];

async function showEverywhere(text: (raw: string) => string) {
	const connection = new FakeConnection();
	const hostileName = text(hostileTexts.join(' '));
	const hosts = [host('192.168.2.148', {name: hostileName, roles: ['miner'], severity: 'high', protocols: ['stratum']}), ...miningHosts.slice(1)];
	new FakeWorker(connection, hosts, {
		'192.168.2.148': {
			host: hosts[0]!,
			liveFlows: 1,
			flows: [{protocol: 'tcp', client: '192.168.2.148', clientPort: 46_838, server: '94.23.199.191', serverPort: 3333, packets: 3, bytesToServer: 300, bytesToClient: 400, state: text(carriageReturn), family: 'stratum', firstSeen: 0, lastSeen: 0}],
			peers: [{address: '94.23.199.191', name: text(bidiOverride), internal: false, flows: 1, bytes: 700}],
		},
	});
	const store = new MonitorStore(connection, {replay: true, speed: 1, size: {columns: 100, rows: 50}, refreshMilliseconds: 10});
	store.start();
	const ui = render(<MonitorApp store={store}/>);
	await waitFor(() => (ui.lastFrame() ?? '').includes('192.168.2.148'), 'the host table');
	connection.emit(alert({
		peerName: text(titleInjection),
		agent: text(clipboardInjection),
		worker: text(carriageReturn),
		evidence: [`content: agent ${text(titleInjection)}`, `shape: ${text(bidiOverride)}`, `content: ${text(clearScreen)}`],
	}));
	await waitFor(() => (ui.lastFrame() ?? '').includes('Alerts 1'), 'the alert');
	ui.stdin.write(keys.enter);
	await waitFor(() => (ui.lastFrame() ?? '').includes('Live flows (1)'), 'the detail view');
	await delay(20);
	const frames = [...ui.frames];
	ui.unmount();
	store.dispose();
	return frames;
}

test('sanitized hostile strings appear as the visible text the worker made of them', async () => {
	const frames = await showEverywhere(raw => toDisplay(raw));
	const detail = frames.at(-1) ?? '';
	const table = frames.find(frame => frame.includes('Protocols') && frame.includes('Alerts 1')) ?? '';
	assert.ok(table.includes('192.168.2.148 (\\x1b]0'), 'the host name in the table shows the escape as text');
	assert.ok(detail.includes('Host 192.168.2.148 (\\x1b]0;pwned\\x07 \\x1b]52;c;'), 'the host name in the detail shows as text');
	assert.ok(detail.includes('agent \\x1b]52;c;cm0gLXJmIH4=\\x07'), 'the agent shows as text');
	assert.ok(detail.includes('worker ok\\rEVIL'), 'the worker name shows as text');
	assert.ok(detail.includes('content: agent \\x1b]0;pwned\\x07'), 'the evidence shows as text');
	assert.ok(detail.includes('shape: exe.\\u{202e}txt'), 'the bidi override shows as text');
	assert.ok(detail.includes('content: \\x1b[2J'), 'the clear-screen shows as text');
	for (const frame of frames) {
		assert.deepEqual(foreignControls(frame), [], 'only Ink\'s own colour sequences');
	}
});

test('raw hostile strings that skipped sanitizing still never reach the terminal', async () => {
	const frames = await showEverywhere(raw => raw);
	assert.ok(frames.length > 3);
	for (const frame of frames) {
		assert.deepEqual(foreignControls(frame), [], 'no ESC outside SGR, no CR, BEL, BS or bidi override');
		assert.ok(!frame.includes('\u001B]'), 'no OSC');
	}

	assert.ok((frames.at(-1) ?? '').includes('\ufffd]0;pwned'), 'the escape is replaced visibly');
});

test('typing control characters into the filter does not put them on screen or in the view', async () => {
	const connection = new FakeConnection();
	new FakeWorker(connection, miningHosts);
	const store = new MonitorStore(connection, {replay: true, speed: 1, size: {columns: 100, rows: 40}, refreshMilliseconds: 10});
	store.start();
	const ui = render(<MonitorApp store={store}/>);
	try {
		await waitFor(() => (ui.lastFrame() ?? '').includes('192.168.2.148'), 'the host table');
		ui.stdin.write('/');
		await waitFor(() => (ui.lastFrame() ?? '').includes('/ filter:'), 'the filter prompt');
		ui.stdin.write('p\u0007o\u202Eo');
		await waitFor(() => connection.lastView()?.filter === 'poo', 'the cleaned filter sent');
		for (const frame of ui.frames) {
			assert.deepEqual(foreignControls(frame), []);
		}
	} finally {
		ui.unmount();
		store.dispose();
	}
});
