// `npm run bench -- shards`: what splitting the replay with detection across two threads by internal
// host (bench/host-shard.ts) could gain on this machine, measured before any of it is built. The
// whole real-traffic capture replayed by one process, then each half of its hosts alone, then both
// halves at once, each half in a process that reads and decodes every packet and keeps its own. The
// halves share no facts and nothing is merged, so the pair's time is a floor for a real split.
import {cpus} from 'node:os';
import {ensureRealTrafficCapture} from './real-traffic-capture.js';
import {ensureBenchCapture} from './bench-capture.js';
import {startReplay, type Replay} from './replay-child.js';
import {median} from './statistics.js';

type Log = (line: string) => void;

const rounds = 3;

function describe(label: string, samples: Replay[], packets: number): string {
	const seconds = median(samples.map(sample => sample.seconds));
	const cpu = median(samples.map(sample => sample.cpuSeconds));
	const main = median(samples.map(sample => sample.mainCpuSeconds));
	return `${label.padEnd(34)} ${seconds.toFixed(2).padStart(6)} s  ${(packets / seconds / 1e6).toFixed(2)} M pkt/s of the file  CPU ${cpu.toFixed(2)} s (main thread ${main.toFixed(2)}, other threads ${(cpu - main).toFixed(2)}: ${(cpu / seconds).toFixed(2)} cores)`;
}

export async function runShardBench(log: Log): Promise<void> {
	const file = await ensureRealTrafficCapture(log) ?? await ensureBenchCapture(log);
	log(`\n== replay with detection split by internal host, on ${cpus().length} CPUs ==\ncapture: ${file}\nmedians of ${rounds} rounds\n`);
	const whole: Replay[] = [];
	const alone: Replay[] = [];
	const together: Replay[] = [];
	const pairSeconds: number[] = [];
	for (let round = 0; round < rounds; round++) {
		whole.push(await startReplay(file, 'detect', '0/1'));
		alone.push(await startReplay(file, 'detect', '0/2'), await startReplay(file, 'detect', '1/2'));
		const pair = await Promise.all([startReplay(file, 'detect', '0/2'), startReplay(file, 'detect', '1/2')]);
		together.push(...pair);
		pairSeconds.push(Math.max(...pair.map(half => half.seconds)));
	}

	const packets = whole[0]!.packets;
	log(describe('one process, every host', whole, packets));
	log(describe('half of the hosts, alone', alone, packets));
	log(describe('half of the hosts, both at once', together, packets));
	const wholeSeconds = median(whole.map(sample => sample.seconds));
	const pair = median(pairSeconds);
	log(`\nboth halves at once end after ${pair.toFixed(2)} s: ${(wholeSeconds / pair).toFixed(2)}x the speed of one process (${(packets / pair / 1e6).toFixed(2)} M pkt/s)`);
	const halfShare = median(alone.map(sample => sample.mainCpuSeconds)) / median(whole.map(sample => sample.mainCpuSeconds));
	log(`a half's main thread does ${(100 * halfShare).toFixed(0)}% of the whole's work: reading, decoding, the JIT's warm-up and the V8 helpers do not halve`);
}
