// One measured replay in a process of its own (so peak RSS is this run's alone): reads the file
// through the real input, reader, pump and pipeline, with or without the detection engine.
// Prints one JSON line: packets, bytes, seconds, peak RSS, CPU seconds (the whole process's and its
// main thread's), and with WARMUP (a packet count) also the seconds the packets after the first
// WARMUP took: the sustained rate, once the JIT has warmed up. With SHARD/COUNT (e.g. 0/2) only the
// packets of that host shard (bench/host-shard.ts) reach the pipeline; all are still read.
import {performance} from 'node:perf_hooks';
import {CaptureReader} from '../source/capture/capture-reader.js';
import {openCaptureInput} from '../source/capture/capture-input.js';
import {PacketPump} from '../source/capture/packet-pump.js';
import type {PacketRecord} from '../source/decode/packet-record.js';
import {CidrSet, defaultHomeNet} from '../source/flows/cidr-set.js';
import {TrafficPipeline} from '../source/flows/traffic-pipeline.js';
import {DetectionEngine} from '../source/detect/engine.js';
import {flowsOnly} from './flows-only.js';
import {HostShards} from './host-shard.js';
import {mainThreadCpuSeconds, processCpuSeconds} from './thread-cpu.js';

const [file, mode, warmupText = '0', shardText = '0/1'] = process.argv.slice(2);
const warmupPackets = Number(warmupText);
const [shard, shardCount] = shardText.split('/').map(Number) as [number, number];
if (file === undefined || (mode !== 'detect' && mode !== 'flows') || !Number.isInteger(warmupPackets) || warmupPackets < 0
	|| !Number.isInteger(shard) || !Number.isInteger(shardCount) || shard < 0 || shard >= shardCount) {
	process.stderr.write('usage: replay-once FILE detect|flows [WARMUP] [SHARD/COUNT]\n');
	process.exit(64);
}

const homeNet = CidrSet.parse(defaultHomeNet);
let alerts = 0;
const observer = mode === 'detect'
	? new DetectionEngine({homeNet, allow: CidrSet.parse([]), onAlert() {
		alerts++;
	}})
	: flowsOnly;
const pipeline = new TrafficPipeline({observer, homeNet});
const shards = new HostShards(homeNet, shardCount);
const input = await openCaptureInput(file);
const reader = new CaptureReader(file, (chunk) => input.releaseChunk(chunk));
const cpuBefore = processCpuSeconds();
const mainCpuBefore = mainThreadCpuSeconds();
const started = performance.now();
let warmedUp = warmupPackets === 0 ? started : undefined;
let delivered = 0;
const deliver = shardCount === 1
	? (record: PacketRecord) => {
		pipeline.packet(record);
		if (++delivered === warmupPackets) warmedUp = performance.now();
	}
	: (record: PacketRecord) => {
		if (shards.shardOf(record) === shard) pipeline.packet(record);
		if (++delivered === warmupPackets) warmedUp = performance.now();
	};
await new PacketPump({readable: input.stream, reader, deliver}).run();
pipeline.flush();
const ended = performance.now();
const seconds = (ended - started) / 1000;
input.close();
process.stdout.write(JSON.stringify({
	packets: pipeline.totals.packets,
	bytes: input.bytesRead(),
	seconds,
	sustainedPackets: warmedUp === undefined ? 0 : delivered - warmupPackets,
	sustainedSeconds: warmedUp === undefined ? 0 : (ended - warmedUp) / 1000,
	cpuSeconds: processCpuSeconds() - cpuBefore,
	mainCpuSeconds: mainThreadCpuSeconds() - mainCpuBefore,
	peakRssMiB: process.resourceUsage().maxRSS / 1024,
	flows: pipeline.totals.flows,
	alerts,
}) + '\n');
