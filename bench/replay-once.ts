// One measured replay in a process of its own (so peak RSS is this run's alone): reads the file
// through the real input, reader, pump and pipeline, with or without the detection engine.
// Prints one JSON line: packets, bytes, seconds, peak RSS, and with WARMUP (a packet count) also the
// seconds the packets after the first WARMUP took: the sustained rate, once the JIT has warmed up.
import {performance} from 'node:perf_hooks';
import {CaptureReader} from '../source/capture/capture-reader.js';
import {openCaptureInput} from '../source/capture/capture-input.js';
import {PacketPump} from '../source/capture/packet-pump.js';
import {CidrSet, defaultHomeNet} from '../source/flows/cidr-set.js';
import {TrafficPipeline} from '../source/flows/traffic-pipeline.js';
import {DetectionEngine} from '../source/detect/engine.js';
import {flowsOnly} from './flows-only.js';

const [file, mode, warmupText = '0'] = process.argv.slice(2);
const warmupPackets = Number(warmupText);
if (file === undefined || (mode !== 'detect' && mode !== 'flows') || !Number.isInteger(warmupPackets) || warmupPackets < 0) {
	process.stderr.write('usage: replay-once FILE detect|flows [WARMUP]\n');
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
const input = await openCaptureInput(file);
const reader = new CaptureReader(file, (chunk) => input.releaseChunk(chunk));
const started = performance.now();
let warmedUp = warmupPackets === 0 ? started : undefined;
let delivered = 0;
await new PacketPump({readable: input.stream, reader, deliver: record => {
	pipeline.packet(record);
	if (++delivered === warmupPackets) warmedUp = performance.now();
}}).run();
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
	peakRssMiB: process.resourceUsage().maxRSS / 1024,
	flows: pipeline.totals.flows,
	alerts,
}) + '\n');
