// `npm run bench`: replay throughput and memory of minewatch beside its peers, measured in the same
// run on the same file, then the UI's render cost. Figures only: nothing here passes or fails.
import {spawnSync} from 'node:child_process';
import {existsSync, statSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {ensureBenchCapture} from './bench-capture.js';
import {runRenderBench} from './render-bench.js';
import {runInkFloorBench} from './ink-floor.js';
import {median} from './statistics.js';

const runs = 3;
/** Detection's cost is a ratio of two timings: taken as back-to-back pairs, each pair under the same machine load. */
const pairs = 7;
/**
 * The replay's first fifth is where the JIT still compiles the code it runs (detection's start-up
 * costs ~0.1 s once): the rest is also timed alone, for the sustained rate that keeps up with a link.
 */
const warmupShare = 0.2;
const here = path.dirname(fileURLToPath(import.meta.url));
const cliPath = path.join(here, '..', 'source', 'cli.js');

interface Measurement {
	seconds: number;
	peakRssMiB?: number;
}

interface Replay extends Measurement {
	packets: number;
	flows: number;
	sustainedPackets: number;
	sustainedSeconds: number;
}

function log(line: string): void {
	process.stdout.write(line + '\n');
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

function replayOnce(file: string, mode: 'detect' | 'flows', warmupPackets = 0): Replay {
	const result = spawnSync(process.execPath, [path.join(here, 'replay-once.js'), file, mode, String(warmupPackets)], {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`replay-once ${mode} failed: ${result.stderr}`);
	}

	return JSON.parse(result.stdout) as Replay;
}

function report(label: string, packets: number, megabytes: number, samples: Measurement[], note = ''): number {
	const seconds = median(samples.map(sample => sample.seconds));
	const rss = samples.map(sample => sample.peakRssMiB).filter((value): value is number => value !== undefined);
	const rate = packets / seconds;
	log(`${label.padEnd(52)} ${(rate / 1e6).toFixed(2).padStart(6)} M pkt/s ${(megabytes / seconds).toFixed(0).padStart(6)} MB/s ${rss.length > 0 ? `${median(rss).toFixed(0).padStart(6)} MiB peak RSS` : ''}${note}`);
	return rate;
}

function sustainedRate(samples: Replay[]): number {
	return median(samples.map(sample => sample.sustainedPackets / sample.sustainedSeconds));
}

function percent(share: number): string {
	return `${(100 * share).toFixed(0)}%`;
}

function measure(label: string, packets: number, megabytes: number, once: () => Measurement): number | undefined {
	try {
		return report(label, packets, megabytes, Array.from({length: runs}, once));
	} catch (error) {
		log(`${label.padEnd(52)} not measured: ${(error as Error).message.split('\n')[0]}`);
		return undefined;
	}
}

const file = await ensureBenchCapture(log);
const megabytes = statSync(file).size / 1e6;
const probe = replayOnce(file, 'flows');
log(`\ncapture: ${file}\n  ${probe.packets.toLocaleString('en')} packets, ${probe.flows.toLocaleString('en')} flows, ${megabytes.toFixed(0)} MB; medians of ${pairs} runs (the first two lines, taken in pairs) or ${runs}\n`);

const packets = probe.packets;
const warmupPackets = Math.round(packets * warmupShare);
const flowsSamples: Replay[] = [];
const detectSamples: Replay[] = [];
for (let pair = 0; pair < pairs; pair++) {
	flowsSamples.push(replayOnce(file, 'flows', warmupPackets));
	detectSamples.push(replayOnce(file, 'detect', warmupPackets));
}
const sustainedNote = (samples: Replay[]) => `   sustained ${(sustainedRate(samples) / 1e6).toFixed(2)} M pkt/s`;
const flowsRate = report('minewatch read + decode + flows (detection off)', packets, megabytes, flowsSamples, sustainedNote(flowsSamples));
const detectRate = report('minewatch read + decode + flows + detection', packets, megabytes, detectSamples, sustainedNote(detectSamples));
const detectionCosts = flowsSamples.map((flows, index) => 1 - flows.seconds / detectSamples[index]!.seconds);
const sustainedCosts = flowsSamples.map((flows, index) => 1 - (flows.sustainedSeconds / flows.sustainedPackets) / (detectSamples[index]!.sustainedSeconds / detectSamples[index]!.sustainedPackets));
measure('minewatch -r FILE --json (whole CLI, worker, output)', packets, megabytes, () => timeCommand(process.execPath, [cliPath, '-r', file, '--json', '--interval', '60']));
const tcpdumpRate = onPath('tcpdump') ? measure('tcpdump -r FILE -w /dev/null (read-and-copy floor)', packets, megabytes, () => timeCommand('tcpdump', ['-r', file, '-w', '/dev/null'])) : undefined;
const ndpiRate = onPath('ndpiReader') ? measure('ndpiReader -i FILE -q', packets, megabytes, () => timeCommand('ndpiReader', ['-i', file, '-q'])) : undefined;

log('');
log(`detection costs ${percent(median(sustainedCosts))} of sustained pipeline throughput (after the first ${percent(warmupShare)} of packets) and ${percent(median(detectionCosts))} over the whole replay, start-up included; target: at most 33%`);
log(`  medians of ${pairs} back-to-back pairs; sustained ${sustainedCosts.map(percent).join(' ')}; whole replay ${detectionCosts.map(percent).join(' ')}`);

if (tcpdumpRate !== undefined) {
	log(`minewatch (flows) runs at ${(flowsRate / tcpdumpRate).toFixed(2)}x tcpdump's floor`);
}

if (ndpiRate !== undefined) {
	log(`minewatch (detection) runs at ${(detectRate / ndpiRate).toFixed(2)}x ndpiReader`);
}

if (!existsSync(cliPath)) {
	log('(the CLI is not built: run npm run build)');
}

log('');
const uiMillis = await runRenderBench(log);
const floorMillis = await runInkFloorBench(log);
log(`the UI renders at ${(uiMillis / floorMillis).toFixed(2)}x a bare Ink frame of the same size`);
