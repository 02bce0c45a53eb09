// One measured replay in a process of its own (so peak RSS is this run's alone): reads the file
// through the real input, reader, pump and pipeline, with or without the detection engine.
// Prints one JSON line: packets, bytes, seconds, peak RSS.
import {performance} from 'node:perf_hooks';
import {CaptureReader} from '../source/capture/capture-reader.js';
import {openCaptureInput} from '../source/capture/capture-input.js';
import {PacketPump} from '../source/capture/packet-pump.js';
import {CidrSet, defaultHomeNet} from '../source/flows/cidr-set.js';
import type {FlowObserver} from '../source/flows/flow-view.js';
import {TrafficPipeline} from '../source/flows/traffic-pipeline.js';
import {DetectionEngine} from '../source/detect/engine.js';

const [file, mode] = process.argv.slice(2);
if (file === undefined || (mode !== 'detect' && mode !== 'flows')) {
	process.stderr.write('usage: replay-once FILE detect|flows\n');
	process.exit(64);
}

/** Detection off: every flow is classified on arrival, so no payload is reassembled or inspected. */
const flowsOnly: FlowObserver = {
	flowStarted(flow) {
		flow.classified = true;
	},
	streamGrew() {},
	datagram() {},
	flowEnded() {},
};

const homeNet = CidrSet.parse(defaultHomeNet);
let alerts = 0;
const observer = mode === 'detect'
	? new DetectionEngine({homeNet, allow: CidrSet.parse([]), onAlert() {
		alerts++;
	}})
	: flowsOnly;
const pipeline = new TrafficPipeline({observer, homeNet});
const input = await openCaptureInput(file);
const reader = new CaptureReader(file);
const started = performance.now();
await new PacketPump({readable: input.stream, reader, deliver: record => {
	pipeline.packet(record);
}}).run();
pipeline.flush();
const seconds = (performance.now() - started) / 1000;
input.close();
process.stdout.write(JSON.stringify({
	packets: pipeline.totals.packets,
	bytes: input.bytesRead(),
	seconds,
	peakRssMiB: process.resourceUsage().maxRSS / 1024,
	flows: pipeline.totals.flows,
	alerts,
}) + '\n');
