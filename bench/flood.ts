// `npm run bench -- flood`: a million packets from random sources (a SYN flood, then a UDP flood)
// with a Stratum miner logging in halfway (fixtures/builder/flood.ts, built once, cached in the temp
// folder). Replays it headless with the default caps and with caps ten times smaller, reporting
// packets/s, peak RSS, what was evicted and whether the miner was raised; then the interactive UI
// fed by the real capture worker at full speed: time per render and main-thread CPU.
import {spawnSync} from 'node:child_process';
import {createWriteStream, existsSync, renameSync, statSync} from 'node:fs';
import {once} from 'node:events';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {floodCapture, floodMiner} from '../fixtures/builder/flood.js';
import type {Alert, Summary, WorkerMessage} from '../source/model/messages.js';
import {fakeTerminal} from './fake-terminal.js';
import {median, quantile} from './statistics.js';
import {mainThreadCpuSeconds} from './thread-cpu.js';

const floodPackets = 1_000_000;
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'source', 'cli.js');

async function ensureFloodCapture(log: (line: string) => void): Promise<string> {
	const file = path.join(tmpdir(), `minewatch-flood-v1-${floodPackets}.pcap`);
	if (existsSync(file)) return file;
	log(`building ${file} (once; cached in the temp folder) ...`);
	const partial = `${file}.partial`;
	const output = createWriteStream(partial);
	for (const piece of floodCapture(floodPackets)) {
		if (!output.write(piece)) await once(output, 'drain');
	}
	output.end();
	await once(output, 'finish');
	renameSync(partial, file);
	return file;
}

function headless(file: string, caps: string[], log: (line: string) => void): void {
	const result = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, cli, '-r', file, '--json', ...caps], {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024});
	const [seconds, rssKiB] = (result.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
	const messages = result.stdout.trim().split('\n').map(line => JSON.parse(line) as WorkerMessage);
	const last = messages.filter((message): message is Summary => message.type === 'summary').at(-1);
	const miner = messages.some(message => message.type === 'alert' && (message as Alert).host === floodMiner.miner && (message as Alert).detection === 'mining');
	const label = caps.length === 0 ? 'default caps (100,000 flows, 50,000 hosts)' : caps.join(' ');
	log(`${label.padEnd(46)} ${((floodPackets / seconds!) / 1e6).toFixed(2)} M pkt/s  peak RSS ${(rssKiB! / 1024).toFixed(0)} MiB  flows evicted ${last?.flows.evicted.toLocaleString('en')}  hosts evicted ${last?.hostsEvicted.toLocaleString('en')}  miner ${miner ? 'raised' : 'MISSED'}  exit ${result.status}`);
}

async function interactive(file: string, log: (line: string) => void): Promise<void> {
	process.env['NODE_ENV'] ??= 'production';
	process.env['FORCE_COLOR'] ??= '1';
	const {mountMonitor, MonitorStore} = await import('../source/ui/run-ui.js');
	const {CaptureThread} = await import('../source/session/capture-thread.js');
	const {resolveOptions} = await import('../source/options.js');
	const {session} = resolveOptions({read: file, speed: 'max', listInterfaces: false, loop: false, json: false, wall: false, allow: []}, true);
	const columns = 200;
	const rows = 60;
	const thread = new CaptureThread(session);
	const store = new MonitorStore(thread, {replay: true, speed: 'max', size: {columns, rows}});
	store.start();
	const renderTimes: number[] = [];
	const instance = mountMonitor(store, {...fakeTerminal(columns, rows), onRender: metrics => renderTimes.push(metrics.renderTime)});
	const cpuBefore = mainThreadCpuSeconds();
	const wallBefore = performance.now();
	let ended = false;
	const unsubscribe = thread.onMessage(message => {
		if (message.type === 'end' || message.type === 'error') ended = true;
	});
	while (!ended) await new Promise(resolve => setTimeout(resolve, 50));
	const cpuSeconds = mainThreadCpuSeconds() - cpuBefore;
	const wallMillis = performance.now() - wallBefore;
	unsubscribe();
	instance.unmount();
	store.dispose();
	await thread.exited;
	const [first, ...later] = renderTimes;
	log(`UI at --speed max through the flood: ${renderTimes.length} renders in ${(wallMillis / 1000).toFixed(1)} s, the first ${first!.toFixed(1)} ms, the rest median ${median(later).toFixed(1)} ms, p90 ${quantile(later, 0.9).toFixed(1)} ms, max ${Math.max(...later).toFixed(1)} ms; main thread ${(100 * cpuSeconds * 1000 / wallMillis).toFixed(1)}% of a core`);
}

export async function runFloodBench(log: (line: string) => void): Promise<void> {
	const file = await ensureFloodCapture(log);
	log(`flood: ${floodPackets.toLocaleString('en')} packets from random sources (SYN flood, then UDP flood), a Stratum login halfway; ${(statSync(file).size / 1e6).toFixed(0)} MB`);
	headless(file, [], log);
	headless(file, ['--flow-cap', '10000', '--host-cap', '5000'], log);
	await interactive(file, log);
}
