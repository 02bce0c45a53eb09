import {test} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import type {HostDetail, HostRow} from '../../source/model/messages.js';
import {MonitorStore, type ExitReason} from '../../source/ui/monitor-store.js';
import {MonitorApp} from '../../source/ui/monitor-app.js';
import {keyBindings} from '../../source/ui/key-map.js';
import {ManualClock} from '../support/manual-clock.js';
import {FakeConnection, FakeWorker, alert, counters, delay, host, keys, miningHosts, summary, trafficHistory, waitFor} from './ui-test-kit.js';

interface MountOptions {
	columns?: number;
	rows?: number;
	replay?: boolean;
	hosts?: HostRow[];
	details?: Record<string, HostDetail>;
	refreshMilliseconds?: number;
	clock?: ManualClock;
}

async function mount(options: MountOptions = {}) {
	const connection = new FakeConnection();
	const worker = new FakeWorker(connection, options.hosts ?? miningHosts, options.details);
	const store = new MonitorStore(connection, {
		replay: options.replay ?? true,
		speed: 1,
		size: {columns: options.columns ?? 100, rows: options.rows ?? 40},
		refreshMilliseconds: options.refreshMilliseconds ?? 20,
		clock: options.clock,
	});
	store.start();
	const ui = render(<MonitorApp store={store}/>);
	const frame = (): string => ui.lastFrame() ?? '';
	await waitFor(() => frame().includes('192.168.2.148'), 'the first summary on screen');
	// The first summary says how many hosts there are, which sizes the host table: the worker answers the new window.
	await waitFor(() => worker.answeredEveryView() && connection.lastView()?.limit === store.getSnapshot().layout.hostRows, 'the window for the panes as sized by content');
	return {
		connection,
		worker,
		store,
		ui,
		frame,
		async press(input: string, until: () => boolean, what: string) {
			ui.stdin.write(input);
			await waitFor(until, what);
		},
		cleanup() {
			ui.unmount();
			store.dispose();
		},
	};
}

function lines(frame: string): string[] {
	return frame.split('\n');
}

test('status bar, host table, sparklines and alert pane render a summary and an alert', async () => {
	const app = await mount();
	try {
		const start = Date.parse('2017-01-17T12:17:11.797Z');
		for (let second = 1; second <= 30; second++) {
			app.connection.emit(summary({
				time: new Date(start + second * 1000).toISOString(),
				protocols: counters({stratum: 50_000 + second * second * 500, 'monero-p2p': second * 700, other: 1000 + second * 100}),
				history: trafficHistory(start + (second - 1) * 1000, {stratum: [second * 1000 + 500], 'monero-p2p': [700], other: [100]}, 1000),
			}));
			app.connection.emit(alert({time: new Date(start + second * 1000).toISOString(), count: second}));
			await delay(2);
		}

		await waitFor(() => /Stratum +[▁▂▃▄▅▆▇█]+/.test(app.frame()), 'a stratum sparkline');
		const frame = app.frame();
		assert.match(frame, /minewatch/);
		assert.match(frame, /mining\.pcapng/);
		assert.match(frame, /2017-01-17 12:17:\d\d UTC/);
		assert.match(frame, /673 pkts/);
		assert.match(frame, /▲ 2 high/);
		assert.match(frame, /replay 1×/);
		for (const row of miningHosts) {
			assert.ok(frame.includes(row.address), `host ${row.address} listed`);
		}

		assert.match(frame, /94\.23\.199\.191 \(zec\.poo/);
		assert.match(frame, /▲ HIGH 192\.168\.2\.148 +int miner +stratum/);
		assert.match(frame, /Monero P2P +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█]/);
		assert.match(frame, /Bitcoin P2P +0 b\/s/);
		assert.match(frame, /▲ HIGH +\d\d:\d\d:\d\d 192\.168\.2\.148 → 94\.23\.199\.191:3333 mining Stratum ×\d+ · content: Stratum mining\.su/);
		assert.match(frame, /Alerts 1 newest first/, 'repeats of one id coalesce into one line');
	} finally {
		app.cleanup();
	}
});

test('the status bar counts in the singular and the plural: 1 pkt, 1 host, 1 flow', async () => {
	const app = await mount({columns: 160});
	try {
		// A replay's first summary: one packet, no capture time passed, so no rate yet.
		app.connection.emit(summary({totals: {...summary().totals, packets: 1}, rates: undefined, hostsTracked: 1, flows: {active: 1, evicted: 0}}));
		await waitFor(() => app.frame().includes(' 1 pkt '), 'the one-packet summary');
		assert.match(app.frame(), / 1 pkt · 217 kB · rate pending · 1 host · 1 flow *$/m);
		app.connection.emit(summary({totals: {...summary().totals, packets: 2}, hostsTracked: 2, flows: {active: 0, evicted: 0}}));
		await waitFor(() => app.frame().includes(' 2 pkts '), 'the two-packet summary');
		assert.match(app.frame(), / 2 pkts · .* · 2 hosts · 0 flows *$/m);
	} finally {
		app.cleanup();
	}
});

test('no frame is taller than rows - 1 or wider than the terminal, and a small terminal says so', async () => {
	for (const size of [{columns: 100, rows: 40}, {columns: 80, rows: 24}, {columns: 60, rows: 15}]) {
		const app = await mount(size);
		try {
			app.connection.emit(alert());
			await waitFor(() => app.frame().includes('192.168.2.148 → 94.23'), 'the alert');
			const frameLines = lines(app.frame());
			assert.ok(frameLines.length <= size.rows - 1, `${frameLines.length} lines at ${size.columns}×${size.rows}`);
			for (const line of frameLines) {
				assert.ok([...line].length <= size.columns, `line fits ${size.columns}: ${line}`);
			}

			assert.match(app.frame(), /192\.168\.2\.148/);
			assert.match(app.frame(), /Protocols/);
		} finally {
			app.cleanup();
		}
	}

	const app = await mount();
	try {
		app.store.resize({columns: 50, rows: 12});
		await waitFor(() => app.frame().includes('terminal too small: 50×12, need 60×15'), 'the too-small message');
		assert.ok(lines(app.frame()).length <= 11);
		Object.defineProperty(app.ui.stdout, 'rows', {value: 30, configurable: true});
		app.ui.stdout.emit('resize');
		await waitFor(() => app.frame().includes('192.168.2.148'), 'the layout back after resize');
		assert.ok(lines(app.frame()).length <= 29);
		assert.doesNotMatch(app.frame(), /too small/);
	} finally {
		app.cleanup();
	}
});

test('narrow terminals drop table columns before panes', async () => {
	const wide = await mount({columns: 100});
	const narrow = await mount({columns: 60, rows: 30});
	try {
		assert.match(wide.frame(), /PEERS/);
		assert.match(wide.frame(), /SEEN/);
		assert.doesNotMatch(narrow.frame(), /SEEN/);
		assert.doesNotMatch(narrow.frame(), /PEERS/);
		assert.match(narrow.frame(), /SEV/);
		assert.match(narrow.frame(), /Protocols/);
		assert.match(narrow.frame(), /Alerts/);
	} finally {
		wide.cleanup();
		narrow.cleanup();
	}
});

test('s cycles the sort column and r reverses it, through the worker', async () => {
	const app = await mount();
	try {
		await app.press('s', () => app.connection.lastView()?.sort === 'traffic', 'sort by traffic sent');
		await waitFor(() => app.frame().includes('sort traffic ▼'), 'sort shown');
		const trafficOrder = lines(app.frame()).filter(line => /^\s*(?:[▲◆✖•] \w+)?\s+\d+\.\d+\.\d+\.\d+/.test(line));
		assert.match(trafficOrder[0] ?? '', /192\.168\.2\.148/, 'the biggest talker first');
		await app.press('r', () => app.connection.lastView()?.reverse === true, 'reverse sent');
		await waitFor(() => app.frame().includes('sort traffic ▲'), 'reverse shown');
		await app.press('s', () => app.connection.lastView()?.sort === 'address', 'sort by address sent');
		assert.equal(app.connection.lastView()?.reverse, true);
		assert.equal(app.connection.lastView()?.offset, 0);
	} finally {
		app.cleanup();
	}
});

test('/ filters the hosts as you type, Enter keeps the filter, Esc clears it', async () => {
	const app = await mount();
	try {
		app.ui.stdin.write('/');
		await waitFor(() => app.frame().includes('/ filter:'), 'the filter prompt');
		for (const character of 'pool') {
			app.ui.stdin.write(character);
			await delay(5);
		}

		await waitFor(() => app.connection.lastView()?.filter === 'pool', 'the filter sent to the worker');
		await waitFor(() => app.frame().includes('1–3 of 3'), 'three pools matched');
		assert.doesNotMatch(app.frame(), /192\.168\.2\.148/);
		await app.press(keys.backspace, () => app.connection.lastView()?.filter === 'poo', 'backspace');
		await app.press(keys.enter, () => !app.frame().includes('/ filter:'), 'the prompt closed');
		assert.match(app.frame(), /filter "poo"/);
		await app.press(keys.escape, () => app.connection.lastView()?.filter === '', 'the filter cleared');
		await waitFor(() => app.frame().includes('192.168.2.148'), 'all hosts back');
	} finally {
		app.cleanup();
	}
});

test('moving the selection past the window asks the worker for the next window', async () => {
	const many = Array.from({length: 100}, (_, index) => host(`10.0.${Math.floor(index / 250)}.${index + 1}`, {bytesIn: 100_000 - index}));
	const app = await mount({hosts: [...miningHosts, ...many], rows: 24});
	try {
		const limit = app.connection.lastView()?.limit ?? 0;
		assert.ok(limit >= 2);
		for (let step = 0; step < limit; step++) {
			app.ui.stdin.write('j');
			await delay(5);
		}

		await waitFor(() => app.connection.lastView()?.offset === 1, 'the window moved by one');
		await app.press('G', () => app.connection.lastView()?.offset === 107 - limit, 'the last window');
		await waitFor(() => app.frame().includes(`of 107`) && app.frame().includes('10.0.0.100'), 'the last host on screen');
		await app.press('g', () => app.connection.lastView()?.offset === 0, 'back to the top');
		await app.press(keys.pageDown, () => app.connection.lastView()?.offset === 1, 'a page down');
	} finally {
		app.cleanup();
	}
});

test('Enter opens the detail view with flows, peers and alert evidence; Esc goes back', async () => {
	// Eight flows seen, one still live; two peers, of which the worker sent one.
	const detail: HostDetail = {
		host: {...miningHosts[0]!, flows: 8, peers: 2},
		liveFlows: 1,
		flows: [{
			protocol: 'tcp', client: '192.168.2.148', clientPort: 46_838, server: '94.23.199.191', serverPort: 3333,
			packets: 272, bytesToServer: 13_000, bytesToClient: 143_000, state: 'established', family: 'stratum',
			firstSeen: Date.parse('2017-12-25T10:03:08Z'), lastSeen: Date.parse('2017-12-25T10:21:19Z'),
		}],
		peers: [{address: '94.23.199.191', name: 'zec.pool.example', internal: false, flows: 1, bytes: 156_000}],
	};
	const app = await mount({columns: 160, details: {'192.168.2.148': detail}});
	try {
		app.connection.emit(alert());
		await waitFor(() => app.frame().includes('content: Stratum'), 'the alert');
		await app.press(keys.enter, () => app.connection.lastView()?.detailHost === '192.168.2.148', 'the detail requested');
		await waitFor(() => app.frame().includes('Live flows (1)'), 'the detail on screen');
		const frame = app.frame();
		assert.match(frame, /Host detail/);
		assert.match(frame, /Host 192\.168\.2\.148 · internal · miner/);
		assert.match(frame, / · 8 flows seen, 1 live · 2 peers/);
		assert.match(frame, /Peers \(1 of 2\)/);
		assert.match(frame, /tcp +192\.168\.2\.148:46838 → 94\.23\.199\.191:3333 +Stratum +272/);
		assert.match(frame, /94\.23\.199\.191 \(zec\.pool\.example\) +ext/);
		assert.match(frame, /content: Stratum mining\.subscribe from the client/);
		assert.match(frame, /port: 3333 is a common pool port/);
		assert.match(frame, /agent nheqminer\/0\.5c · worker t1exampleworker\.rig1 · MITRE T1496/);
		await app.press(keys.escape, () => app.connection.lastView()?.detailHost === undefined, 'the detail closed');
		await waitFor(() => app.frame().includes('Protocols'), 'the panes back');
	} finally {
		app.cleanup();
	}
});

test('Space freezes the display while messages keep arriving, and shows the latest on resume', async () => {
	// Wide enough for the packet total beside the PAUSED badge.
	const app = await mount({columns: 120});
	try {
		const sentBefore = app.connection.sent.length;
		await app.press(keys.space, () => app.frame().includes('PAUSED · 0 updates held'), 'the paused badge');
		for (let index = 1; index <= 3; index++) {
			app.connection.emit(summary({totals: {...summary().totals, packets: 1000 * index}}));
			await delay(30);
		}

		app.connection.emit(alert());
		await waitFor(() => app.frame().includes('PAUSED · 4 updates held'), 'held updates counted');
		assert.match(app.frame(), /673 pkts/);
		assert.match(app.frame(), /no alerts/);
		await app.press(keys.space, () => app.frame().includes('3,000 pkts'), 'the latest summary after resume');
		assert.doesNotMatch(app.frame(), /PAUSED/);
		assert.match(app.frame(), /content: Stratum/);
		assert.deepEqual(app.connection.sent.slice(sentBefore).filter(message => message.type === 'pause' || message.type === 'resume'), []);
	} finally {
		app.cleanup();
	}
});

test('? opens a help overlay generated from the key table', async () => {
	const app = await mount({rows: 50});
	try {
		await app.press('?', () => app.frame().includes('Help'), 'the help overlay');
		const frame = app.frame();
		for (const binding of keyBindings) {
			assert.ok(frame.includes(binding.description), `help lists ${binding.description}`);
		}

		assert.match(frame, /q, Ctrl\+C +quit/);
		assert.match(frame, /a +acknowledge alert \(again: undo\)/);
		for (const legend of [/✖ CRIT +critical: /, /▲ HIGH +high: /, /◆ MED +medium: /, /• LOW +low: /, /✓ +acknowledged: /]) {
			assert.match(frame, legend, 'the severity legend');
		}

		await app.press('?', () => app.frame().includes('Protocols'), 'the overlay closed');
	} finally {
		app.cleanup();
	}
});

test('Tab moves focus between panes; a acknowledges the selected alert; m switches the sparkline metric', async () => {
	const app = await mount();
	try {
		app.connection.emit(alert());
		app.connection.emit(alert({id: 'mining:192.168.2.92:178.32.196.217', host: '192.168.2.92', peer: '178.32.196.217', port: 9050, severity: 'medium'}));
		await waitFor(() => app.frame().includes('Alerts 2'), 'two alerts');
		await app.press(keys.tab, () => app.frame().includes(' protocols '), 'protocols focused');
		await app.press('m', () => app.frame().includes('packets/s over the last'), 'packet rates');
		await app.press(keys.tab, () => app.frame().includes(' alerts '), 'alerts focused');
		assert.match(app.frame(), /a ack/);
		await app.press('j', () => true, 'move');
		assert.match(app.frame(), /▲ 2 high  ◆ 1 med/);
		await app.press('a', () => app.frame().includes('1 acknowledged'), 'acknowledged');
		assert.match(app.frame(), /✓ \d\d:\d\d:\d\d 192\.168\.2\.148 → 94\.23\.199\.191/, 'the older alert, selected second, is acknowledged');
		assert.match(app.frame(), /▲ 1 high  ◆ 1 med/, 'an acknowledged alert leaves the open count');
		await app.press('a', () => !app.frame().includes('acknowledged'), 'a again takes the acknowledgement back');
		assert.match(app.frame(), /▲ 2 high  ◆ 1 med/);
		await app.press(keys.shiftTab, () => app.frame().includes(' protocols '), 'back to protocols');
	} finally {
		app.cleanup();
	}
});

test('+ and - change the replay speed; not offered on live capture', async () => {
	const app = await mount();
	try {
		await app.press('+', () => app.connection.sent.some(message => message.type === 'speed'), 'a speed message');
		assert.deepEqual(app.connection.sent.filter(message => message.type === 'speed'), [{type: 'speed', speed: 2}]);
		await waitFor(() => app.frame().includes('replay 2×'), 'the new speed shown');
		app.ui.stdin.write('-');
		app.ui.stdin.write('-');
		await waitFor(() => app.connection.sent.filter(message => message.type === 'speed').length === 3, 'two slower');
		assert.deepEqual(app.connection.sent.filter(message => message.type === 'speed').map(message => message.type === 'speed' && message.speed), [2, 1, 0.5]);
	} finally {
		app.cleanup();
	}

	const live = await mount({replay: false});
	try {
		live.ui.stdin.write('+');
		await delay(50);
		assert.equal(live.connection.sent.filter(message => message.type === 'speed').length, 0);
		assert.doesNotMatch(live.frame(), /faster/);
	} finally {
		live.cleanup();
	}
});

test('q and Ctrl+C ask to quit; the end of a replay keeps the screen up marked FINISHED', async () => {
	for (const input of ['q', keys.ctrlC]) {
		const app = await mount();
		try {
			const reasons: ExitReason[] = [];
			app.store.onExit(reason => reasons.push(reason));
			app.connection.emit(alert());
			app.connection.emit({
				type: 'end', source: {kind: 'file', name: 'mining.pcapng'}, packets: 673, bytes: 217_000, flows: 4, decodeErrors: 0,
				truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0, corrupt: 0, durationMs: 1200, alerts: 1,
				alertsOpen: {low: 0, medium: 0, high: 1, critical: 0}, reason: 'end-of-file',
			});
			await waitFor(() => app.frame().includes('FINISHED'), 'FINISHED');
			assert.match(app.frame(), /content: Stratum/);
			assert.match(app.frame(), /192\.168\.2\.148/);
			assert.deepEqual(reasons, []);
			await app.press(input, () => reasons.length === 1, 'quit requested');
			assert.deepEqual(reasons, ['quit']);
		} finally {
			app.cleanup();
		}
	}
});

test('rendering is throttled: what arrives within a refresh window is published once, when the window ends', async () => {
	const clock = new ManualClock();
	const app = await mount({refreshMilliseconds: 250, clock});
	try {
		let published = 0;
		const unsubscribe = app.store.subscribe(() => published++);
		clock.advanceTo(1000);
		for (let window = 1; window <= 3; window++) {
			const windowStart = clock.now();
			for (let index = 1; index <= 170; index++) {
				app.connection.emit(summary({totals: {...summary().totals, packets: window * 1000 + index}}));
				if (index % 50 === 0) app.connection.emit(alert({id: `burst-${window}-${index}`}));
			}

			assert.equal(published, window - 1, 'nothing published before the window ends');
			assert.equal(clock.pending, 1, 'one refresh scheduled for the whole burst');
			clock.fireNext();
			assert.equal(published, window, 'the burst published as one update');
			assert.equal(app.store.getSnapshot().summary?.totals.packets, window * 1000 + 170, 'the newest summary');
			assert.equal(app.store.getSnapshot().alerts.length, window * 3);
			// The first burst comes long after the last refresh, so it is shown at once; later ones wait out the window.
			assert.equal(clock.now(), window === 1 ? windowStart : windowStart + 250);
		}

		unsubscribe();
		await waitFor(() => app.frame().includes('3,170 pkts'), 'the last summary drawn');
	} finally {
		app.cleanup();
	}
});

test('keys that arrive together in one chunk each count', async () => {
	const app = await mount({details: {}});
	try {
		await app.press('jj\r', () => app.connection.lastView()?.detailHost !== undefined, 'the detail of the third host');
		assert.equal(app.connection.lastView()?.detailHost, '192.168.2.92');
	} finally {
		app.cleanup();
	}
});

test('at 80x24 the status bar keeps capture time, rates, alerts, replay speed and progress, and the help says more lines follow', async () => {
	const app = await mount({columns: 80, rows: 24});
	try {
		app.connection.emit(summary({progress: {bytesRead: 720, fileSize: 1000, loops: 0, finished: false}}));
		await waitFor(() => /72%/.test(app.frame()), 'the progress on screen');
		const [first = '', second = ''] = lines(app.frame());
		assert.match(first, /12:17:11/, 'capture time');
		assert.match(first, /12\/s · 96\.0 kb\/s/, 'rates');
		assert.match(second, /▲ 2 high/, 'open alerts');
		assert.match(second, /1× █+░+ 72%/, 'speed and progress, whole');
		await app.press('?', () => app.frame().includes('Help'), 'the help overlay');
		assert.match(app.frame(), /Help keys · \? or Esc closes · \d+ more lines ↓/);
		await app.press('G', () => app.frame().includes('replay faster'), 'the replay keys, scrolled to');
		assert.doesNotMatch(app.frame(), /more lines/);
	} finally {
		app.cleanup();
	}
});

test('the detail view wraps long evidence at the terminal width instead of cutting it', async () => {
	const app = await mount({columns: 60, rows: 40, details: {}});
	try {
		const evidence = 'content: the miner offers algorithms rx/0, cn/1, cn/2, cn/r, cn/fast, cn/half, cn/xao, cn/rto, cn/rwz, cn/zls, cn/double (+21 more)';
		app.connection.emit(alert({evidence: [evidence], agent: undefined, worker: undefined, mitre: undefined}));
		await waitFor(() => app.frame().includes('Alerts 1 newest'), 'the alert');
		await app.press(keys.enter, () => app.frame().includes('Host detail'), 'the detail view');
		await waitFor(() => app.frame().includes('(+21 more)'), 'the end of the evidence');
		const evidenceLines = lines(app.frame()).filter(line => line.startsWith('    '));
		assert.ok(evidenceLines.length >= 3, `wrapped over ${evidenceLines.length} lines`);
		assert.equal(evidenceLines.map(line => line.trim()).join(' '), evidence, 'every word, in order');
	} finally {
		app.cleanup();
	}
});
