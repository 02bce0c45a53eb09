// `npm run bench`: replay throughput and memory of minewatch beside its peers, measured in the same
// run on the same file, then the UI's render cost; `npm run bench -- live`: live capture under load
// (bench/live.ts); `npm run bench -- flood`: a million-packet flood (bench/flood.ts); `npm run bench
// -- shards`: what splitting the replay across threads by host could gain (bench/shards.ts).
// Figures only: nothing here passes or fails.
// Real traffic comes first (the public captures in ../shared/captures, repeated into a large file),
// then the generated capture: packets this project wrote itself say less about the traffic users have.
import {spawnSync} from 'node:child_process';
import {existsSync, statSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {ensureBenchCapture} from './bench-capture.js';
import {log, onPath} from './console.js';
import {ensureRealTrafficCapture, ensureRepeatedFlowsCapture} from './real-traffic-capture.js';
import {runRenderBench} from './render-bench.js';
import {runInkFloorBench} from './ink-floor.js';
import {runFloodBench} from './flood.js';
import {runLiveBench} from './live.js';
import {median} from './statistics.js';
import {replayOnce, type Replay} from './replay-child.js';
import {runShardBench} from './shards.js';

const runs = 3;
/**
 * Detection's cost is a ratio of two timings: taken as back-to-back pairs, each pair under the same
 * machine load. The real-traffic file is larger and slower (3.5 M packets), so it gets fewer pairs.
 */
const generatedPairs = 7;
const realPairs = 3;
/**
 * The replay's first fifth is where the JIT still compiles the code it runs (detection's start-up
 * costs ~0.1 s once): the rest is also timed alone, for the sustained rate that keeps up with a link.
 */
const warmupShare = 0.2;
const targets = {pipeOverFile: 1.15, overNdpiNewFlows: 2, overNdpiRepeatedFlows: 1, peakRssMiB: 250};
const here = path.dirname(fileURLToPath(import.meta.url));
const cliPath = path.join(here, '..', 'source', 'cli.js');

interface Measurement {
	seconds: number;
	peakRssMiB?: number;
}

/** A line's medians, kept for the ratios printed under the lines. */
interface Summary {
	rate: number;
	seconds: number;
	peakRssMiB?: number;
}

interface BenchFile {
	packets: number;
	megabytes: number;
}

function shellQuote(text: string): string {
	return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Wall time and peak RSS of an external command, through GNU time (for `sh -c`, the largest process of the pipeline). */
function timeCommand(command: string, args: string[]): Measurement {
	const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
	const last = result.stderr.trim().split('\n').at(-1) ?? '';
	const [seconds, rssKiB] = last.split(' ').map(Number);
	if (result.status !== 0 || !Number.isFinite(seconds)) {
		throw new Error(`${command} failed: ${result.stderr.trim().split('\n').at(-2) ?? last}`);
	}

	return {seconds: seconds!, peakRssMiB: rssKiB! / 1024};
}

/** The flows ndpiReader tracked on a file: its "Unique flows" line, printed when not quiet. */
function ndpiFlowCount(file: string): number | undefined {
	const result = spawnSync('ndpiReader', ['-i', file], {stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
	const count = /Unique flows:\s+(\d+)/.exec(result.stdout ?? '')?.[1];
	return count === undefined ? undefined : Number(count);
}

function report(label: string, bench: BenchFile, samples: Measurement[], note = ''): Summary {
	const seconds = median(samples.map(sample => sample.seconds));
	const rss = samples.map(sample => sample.peakRssMiB).filter((value): value is number => value !== undefined);
	const peakRssMiB = rss.length > 0 ? median(rss) : undefined;
	const rate = bench.packets / seconds;
	log(`${label.padEnd(60)} ${(rate / 1e6).toFixed(2).padStart(6)} M pkt/s ${(bench.megabytes / seconds).toFixed(0).padStart(6)} MB/s ${peakRssMiB === undefined ? '' : `${peakRssMiB.toFixed(0).padStart(6)} MiB peak RSS`}${note}`);
	return {rate, seconds, peakRssMiB};
}

function sustainedRate(samples: Replay[]): number {
	return median(samples.map(sample => sample.sustainedPackets / sample.sustainedSeconds));
}

function percent(share: number): string {
	return `${(100 * share).toFixed(0)}%`;
}

function ratio(value: number): string {
	return `${value.toFixed(2)}x`;
}

/** The CLI as a user runs it on a file, output and all; --interval 60 keeps the periodic summaries few. */
function cliOnFile(file: string): Measurement {
	return timeCommand(process.execPath, [cliPath, '-r', file, '--json', '--interval', '60']);
}

/** The same through a pipe, where reading cannot use the file's size or seek: the cost of `-r -`. */
function cliThroughPipe(file: string): Measurement {
	return timeCommand('sh', ['-c', `cat ${shellQuote(file)} | ${shellQuote(process.execPath)} ${shellQuote(cliPath)} -r - --json --interval 60`]);
}

type Line = [label: string, once: () => Measurement];

/**
 * Lines to compare with one another, taken in rounds (each line once per round, in turn) like
 * detection's pairs, so their ratios, the medians of each round's, are not a change of machine load
 * between one line's runs and the next's. Undefined when a run fails.
 */
function measureInRounds(bench: BenchFile, lines: Line[]): {summaries: Summary[]; ratio(over: number, under: number): number[]} | undefined {
	const samples: Measurement[][] = lines.map(() => []);
	try {
		for (let round = 0; round < runs; round++) {
			for (const [index, [, once]] of lines.entries()) samples[index]!.push(once());
		}
	} catch (error) {
		log(`${lines.map(([label]) => label).join('; ').padEnd(60)} not measured: ${(error as Error).message.split('\n')[0]}`);
		return undefined;
	}

	return {
		summaries: lines.map(([label], index) => report(label, bench, samples[index]!)),
		// The time of line `over` per time of line `under`, round by round.
		ratio: (over, under) => samples[over]!.map((sample, round) => sample.seconds / samples[under]![round]!.seconds),
	};
}

/** One line alone: the median of its runs. */
function measure(label: string, bench: BenchFile, once: () => Measurement): Summary | undefined {
	return measureInRounds(bench, [[label, once]])?.summaries[0];
}

/**
 * ndpiReader and minewatch, with and without detection, on the same repeated flows, in rounds: the
 * ratios like for like; and how many flows each tracked there, which is why they differ. Counting
 * minewatch's flows first also brings the file into the page cache, as the section's probe does for
 * its file, so the first round does not read it from disk.
 */
function measureOnRepeatedFlows(bench: BenchFile, file: string) {
	const minewatchFlows = replayOnce(file, 'flows').flows;
	const ndpiFlows = ndpiFlowCount(file);
	const rounds = measureInRounds(bench, [
		['ndpiReader -i FILE -q (repeated flows: addresses unshifted)', () => timeCommand('ndpiReader', ['-i', file, '-q'])],
		['minewatch + detection (repeated flows: addresses unshifted)', () => replayOnce(file, 'detect')],
		['minewatch, detection off (repeated flows: addresses unshifted)', () => replayOnce(file, 'flows')],
	]);
	return rounds === undefined ? undefined : {...rounds, minewatchFlows, ndpiFlows};
}

interface SectionOptions {
	pairs: number;
	/** The same packets with every flow repeated rather than new (real traffic only). */
	repeatedFlows?: string;
}

/** Every line and ratio for one capture. */
function benchSection(title: string, file: string, options: SectionOptions): void {
	const probe = replayOnce(file, 'flows');
	const bench: BenchFile = {packets: probe.packets, megabytes: statSync(file).size / 1e6};
	log(`\n== ${title} ==\ncapture: ${file}\n  ${probe.packets.toLocaleString('en')} packets, ${probe.flows.toLocaleString('en')} flows, ${bench.megabytes.toFixed(0)} MB; medians of ${options.pairs} runs (the first two lines, taken in pairs) or ${runs} (lines compared with one another taken in rounds)\n`);

	const warmupPackets = Math.round(bench.packets * warmupShare);
	const flowsSamples: Replay[] = [];
	const detectSamples: Replay[] = [];
	for (let pair = 0; pair < options.pairs; pair++) {
		flowsSamples.push(replayOnce(file, 'flows', warmupPackets));
		detectSamples.push(replayOnce(file, 'detect', warmupPackets));
	}
	const sustainedNote = (samples: Replay[]) => `   sustained ${(sustainedRate(samples) / 1e6).toFixed(2)} M pkt/s`;
	const flows = report('minewatch read + decode + flows (detection off)', bench, flowsSamples, sustainedNote(flowsSamples));
	const detect = report('minewatch read + decode + flows + detection', bench, detectSamples, sustainedNote(detectSamples));
	const detectionCosts = flowsSamples.map((sample, index) => 1 - sample.seconds / detectSamples[index]!.seconds);
	const sustainedCosts = flowsSamples.map((sample, index) => 1 - (sample.sustainedSeconds / sample.sustainedPackets) / (detectSamples[index]!.sustainedSeconds / detectSamples[index]!.sustainedPackets));
	const cli = measureInRounds(bench, [
		['minewatch -r FILE --json (whole CLI, worker, output)', () => cliOnFile(file)],
		['cat FILE | minewatch -r - --json (whole CLI, through a pipe)', () => cliThroughPipe(file)],
	]);
	const tcpdump = onPath('tcpdump') ? measure('tcpdump -r FILE -w /dev/null (read-and-copy floor)', bench, () => timeCommand('tcpdump', ['-r', file, '-w', '/dev/null'])) : undefined;
	const ndpi = onPath('ndpiReader');
	const ndpiNew = ndpi ? measure(`ndpiReader -i FILE -q${options.repeatedFlows === undefined ? '' : ' (all-new flows)'}`, bench, () => timeCommand('ndpiReader', ['-i', file, '-q'])) : undefined;
	const repeated = options.repeatedFlows;
	const onRepeated = ndpi && repeated !== undefined ? measureOnRepeatedFlows(bench, repeated) : undefined;

	log('');
	log(`detection costs ${percent(median(sustainedCosts))} of sustained pipeline throughput (after the first ${percent(warmupShare)} of packets) and ${percent(median(detectionCosts))} over the whole replay, start-up included; target: at most 33%`);
	log(`  medians of ${options.pairs} back-to-back pairs; sustained ${sustainedCosts.map(percent).join(' ')}; whole replay ${detectionCosts.map(percent).join(' ')}`);
	if (tcpdump !== undefined) {
		log(`minewatch (flows) runs at ${ratio(flows.rate / tcpdump.rate)} tcpdump's floor`);
	}

	if (cli !== undefined) {
		const pipeRatios = cli.ratio(1, 0);
		log(`the CLI through a pipe takes ${ratio(median(pipeRatios))} its time on the file (rounds: ${pipeRatios.map(ratio).join(' ')}); target: at most ${ratio(targets.pipeOverFile)}`);
	}

	if (ndpiNew !== undefined) {
		log(`minewatch (detection) runs at ${ratio(detect.rate / ndpiNew.rate)} ndpiReader${repeated === undefined ? '' : ' on all-new flows'}; target: at least ${ratio(targets.overNdpiNewFlows)}`);
	}

	if (onRepeated !== undefined) {
		log(`minewatch (detection) runs at ${ratio(detect.rate / onRepeated.summaries[0]!.rate)} ndpiReader on repeated flows; target: at least ${ratio(targets.overNdpiRepeatedFlows)}`);
		// Rates are packets per second: ndpiReader's time over minewatch's.
		for (const [line, what] of [[1, 'minewatch (detection)'], [2, 'minewatch with detection off']] as const) {
			const ratios = onRepeated.ratio(0, line);
			log(`  both on the repeated flows: ${what} at ${ratio(median(ratios))} ndpiReader (rounds: ${ratios.map(ratio).join(' ')})`);
		}
		log(`  flows there: ndpiReader ${onRepeated.ndpiFlows?.toLocaleString('en') ?? '(count not printed)'}, one per 5-tuple for the whole capture (a repeat, after a close or minutes idle, continues it); minewatch ${onRepeated.minewatchFlows.toLocaleString('en')}, a new flow after a close or an idle timeout, each inspected anew`);
	}

	reportPeakRss([['detection replay', detect], ['CLI on the file', cli?.summaries[0]], ['CLI through a pipe', cli?.summaries[1]]]);
}

function reportPeakRss(lines: Array<[string, Summary | undefined]>): void {
	const measured = lines.filter((line): line is [string, Summary & {peakRssMiB: number}] => line[1]?.peakRssMiB !== undefined);
	if (measured.length === 0) {
		return;
	}

	const largest = Math.max(...measured.map(([, summary]) => summary.peakRssMiB));
	log(`minewatch's peak RSS is at most ${largest.toFixed(0)} MiB (${measured.map(([label, summary]) => `${label} ${summary.peakRssMiB.toFixed(0)}`).join(', ')}); target: at most ${targets.peakRssMiB} MiB`);
}

if (process.argv.includes('live')) {
	await runLiveBench(process.argv.slice(2));
} else if (process.argv.includes('shards')) {
	await runShardBench(log);
} else if (process.argv.includes('flood')) {
	await runFloodBench(log);
} else {
	await runReplayBench();
}

async function runReplayBench(): Promise<void> {
	const realFile = await ensureRealTrafficCapture(log);
	const repeatedFile = realFile === undefined ? undefined : await ensureRepeatedFlowsCapture(log);
	if (realFile === undefined) {
		log('real traffic not measured (no ../shared/captures beside the project): the generated capture alone follows');
	} else {
		benchSection('real traffic: the captures in ../shared/captures, repeated in time-shifted copies with shifted addresses', realFile, {pairs: realPairs, repeatedFlows: repeatedFile});
	}

	const generatedFile = await ensureBenchCapture(log);
	benchSection('generated traffic: bench/bench-capture.ts, built with the fixture builder', generatedFile, {pairs: generatedPairs});

	if (!existsSync(cliPath)) {
		log('(the CLI is not built: run npm run build)');
	}

	log('');
	const uiMillis = await runRenderBench(log);
	const floorMillis = await runInkFloorBench(log);
	log(`the UI renders at ${(uiMillis / floorMillis).toFixed(2)}x a bare Ink frame of the same size`);
}
