// `npm run bench`: replay throughput and memory of minewatch beside its peers, measured in the same
// run on the same file, then the UI's render cost. Figures only: nothing here passes or fails.
import {spawnSync} from 'node:child_process';
import {existsSync, statSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {ensureBenchCapture} from './bench-capture.js';
import {runRenderBench} from './render-bench.js';

const runs = 3;
const here = path.dirname(fileURLToPath(import.meta.url));
const cliPath = path.join(here, '..', 'source', 'cli.js');

interface Measurement {
	seconds: number;
	peakRssMiB?: number;
}

function log(line: string): void {
	process.stdout.write(line + '\n');
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

function onPath(command: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0;
}

/** Wall time and peak RSS of an external command, through GNU time. */
function timeCommand(command: string, args: string[]): Measurement {
	const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
	const last = result.stderr.trim().split('\n').at(-1) ?? '';
	const [seconds, rssKiB] = last.split(' ').map(Number);
	if (result.status !== 0 || !Number.isFinite(seconds)) {
		throw new Error(`${command} failed: ${result.stderr.trim().split('\n').at(-2) ?? last}`);
	}

	return {seconds: seconds!, peakRssMiB: rssKiB! / 1024};
}

function replayOnce(file: string, mode: 'detect' | 'flows'): Measurement {
	const result = spawnSync(process.execPath, [path.join(here, 'replay-once.js'), file, mode], {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`replay-once ${mode} failed: ${result.stderr}`);
	}

	return JSON.parse(result.stdout) as Measurement;
}

function measure(label: string, packets: number, megabytes: number, once: () => Measurement): number | undefined {
	try {
		const samples = Array.from({length: runs}, once);
		const seconds = median(samples.map(sample => sample.seconds));
		const rss = samples.map(sample => sample.peakRssMiB).filter((value): value is number => value !== undefined);
		const rate = packets / seconds;
		log(`${label.padEnd(52)} ${(rate / 1e6).toFixed(2).padStart(6)} M pkt/s ${(megabytes / seconds).toFixed(0).padStart(6)} MB/s ${rss.length > 0 ? `${median(rss).toFixed(0).padStart(6)} MiB peak RSS` : ''}`);
		return rate;
	} catch (error) {
		log(`${label.padEnd(52)} not measured: ${(error as Error).message.split('\n')[0]}`);
		return undefined;
	}
}

const file = await ensureBenchCapture(log);
const megabytes = statSync(file).size / 1e6;
const probe = replayOnce(file, 'flows') as Measurement & {packets: number; flows: number};
log(`\ncapture: ${file}\n  ${probe.packets.toLocaleString('en')} packets, ${probe.flows.toLocaleString('en')} flows, ${megabytes.toFixed(0)} MB; medians of ${runs} runs\n`);

const packets = probe.packets;
const flowsRate = measure('minewatch read + decode + flows (detection off)', packets, megabytes, () => replayOnce(file, 'flows'));
const detectRate = measure('minewatch read + decode + flows + detection', packets, megabytes, () => replayOnce(file, 'detect'));
measure('minewatch -r FILE --json (whole CLI, worker, output)', packets, megabytes, () => timeCommand(process.execPath, [cliPath, '-r', file, '--json', '--interval', '60']));
const tcpdumpRate = onPath('tcpdump') ? measure('tcpdump -r FILE -w /dev/null (read-and-copy floor)', packets, megabytes, () => timeCommand('tcpdump', ['-r', file, '-w', '/dev/null'])) : undefined;
const ndpiRate = onPath('ndpiReader') ? measure('ndpiReader -i FILE -q', packets, megabytes, () => timeCommand('ndpiReader', ['-i', file, '-q'])) : undefined;

log('');
if (flowsRate !== undefined && detectRate !== undefined) {
	log(`detection costs ${(100 * (1 - detectRate / flowsRate)).toFixed(0)}% of pipeline throughput (target: at most 33%)`);
}

if (flowsRate !== undefined && tcpdumpRate !== undefined) {
	log(`minewatch (flows) runs at ${(flowsRate / tcpdumpRate).toFixed(2)}x tcpdump's floor`);
}

if (detectRate !== undefined && ndpiRate !== undefined) {
	log(`minewatch (detection) runs at ${(detectRate / ndpiRate).toFixed(2)}x ndpiReader`);
}

if (!existsSync(cliPath)) {
	log('(the CLI is not built: run npm run build)');
}

log('');
await runRenderBench(log);
