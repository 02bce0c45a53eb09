// A flood against small caps (#14): 60,000 packets from random sources (a SYN flood, then a UDP
// flood) with a Stratum miner logging in halfway. The tables stay at their caps, every eviction is
// counted, the miner is still raised, and the real worker drives the real UI to a screen that shows
// the evictions and the alert.
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {floodCapture, floodMiner} from '../fixtures/builder/flood.js';
import {CaptureThread} from '../source/session/capture-thread.js';
import type {Summary} from '../source/model/messages.js';
import {resolveOptions} from '../source/options.js';
import {MonitorApp, MonitorStore} from '../source/ui/run-ui.js';
import {runCli} from './support/run-cli.js';
import {scratchDirectory} from './support/scratch.js';
import {waitFor} from './ui/ui-test-kit.js';

const floodPackets = 60_000;
const cap = 1000;
const directory = scratchDirectory('flood');
const capture = path.join(directory, 'flood.pcap');
writeFileSync(capture, Buffer.concat([...floodCapture(floodPackets)]));

test('headless: the caps hold, every flow and host beyond them is counted as evicted, the miner is raised', async () => {
	const run = await runCli(['-r', capture, '--json', '--flow-cap', String(cap), '--host-cap', String(cap), '--interval', '0.2']);
	assert.equal(run.exitCode, 0, run.stderr);
	const mining = run.alerts.filter(alert => alert.detection === 'mining');
	assert.deepEqual(mining.map(alert => [alert.host, alert.peer]), [[floodMiner.miner, floodMiner.pool]]);
	const summaries = run.messages.filter((message): message is Summary => message.type === 'summary');
	assert.ok(summaries.length > 1);
	for (const summary of summaries) {
		assert.ok(summary.flows.active <= cap, `${summary.flows.active} live flows`);
		assert.ok(summary.hostsTracked <= cap, `${summary.hostsTracked} hosts`);
	}
	const last = summaries.at(-1)!;
	// Every flow is a SYN or a datagram from a new source: none idles out in the capture's 6 s, so each
	// one past the cap evicted another, and the end of capture flushes the rest, which is not eviction.
	assert.equal(last.flows.evicted, run.end!.flows - cap);
	assert.equal(last.hostsTracked, cap);
	assert.ok(last.hostsEvicted > floodPackets - 2 * cap, `${last.hostsEvicted} hosts evicted`);
});

test('the UI, fed by the capture worker, shows the evictions and the miner at the end of the flood', {timeout: 60_000}, async () => {
	const {session} = resolveOptions({read: capture, speed: 'max', flowCap: String(cap), hostCap: String(cap), listInterfaces: false, loop: false, json: false, wall: false, allow: []}, true);
	const thread = new CaptureThread(session);
	const store = new MonitorStore(thread, {replay: true, speed: 'max', size: {columns: 200, rows: 50}, refreshMilliseconds: 20});
	store.start();
	const ui = render(<MonitorApp store={store}/>);
	const frame = (): string => ui.lastFrame() ?? '';
	try {
		await waitFor(() => frame().includes('FINISHED'), 'the end of the replay', 45_000);
		await waitFor(() => /evicted \d[\d.,]*k? flows, [\d.,]+k? hosts/.test(frame()), 'the evictions in the status bar', 5000);
		assert.match(frame(), new RegExp(`${floodMiner.miner.replaceAll('.', '\\.')} → ${floodMiner.pool.replaceAll('.', '\\.')}`));
	} finally {
		ui.unmount();
		store.dispose();
		thread.send({type: 'stop'});
		await thread.exited;
	}
});
