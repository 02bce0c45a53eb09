// Runs fuzzed packets through the production path (TrafficPipeline with the DetectionEngine as its
// observer, small caps so eviction happens) and checks, packet by packet, what must hold whatever the
// traffic: tables and reassembly within their caps, every flow started once and ended once, detectors
// answering as their interface says; and at the end, every string in the alerts and in a summary
// (the model boundary) already sanitized. Counts which detectors the inputs reached.
import assert from 'node:assert/strict';
import type {PacketRecord} from '../../source/decode/packet-record.js';
import {SummaryBuilder} from '../../source/session/summary-builder.js';
import {DetectionEngine} from '../../source/detect/engine.js';
import {flowStatesHeld} from '../../source/detect/flow-states.js';
import {detectors} from '../../source/detect/registry.js';
import {CidrSet, defaultHomeNet} from '../../source/flows/cidr-set.js';
import {maxFlights} from '../../source/flows/flow.js';
import type {FlowObserver, FlowView, Side} from '../../source/flows/flow-view.js';
import {TrafficPipeline} from '../../source/flows/traffic-pipeline.js';
import type {Alert, WorkerMessage} from '../../source/model/messages.js';
import {toDisplay} from '../../source/model/sanitize.js';

const fuzzCaps = {flowCap: 16, hostCap: 24, payloadBytes: 4096} as const;

/** Per registered detector (by name): inspections the fuzz inputs led to. */
export const detectorInspections = new Map<string, number>(detectors.map((detector) => [detector.name, 0]));

/** Per registered detector that reads settled flows on (by name): the calls to `readSettled` the inputs led to. */
export const settledReadings = new Map<string, number>(detectors.filter((detector) => detector.readSettled !== undefined).map((detector) => [detector.name, 0]));

/** Alerts the fuzz inputs raised, by detection: the sanitization checks saw real alerts. */
export const alertsRaised = new Map<string, number>();

// Every registered detector, new ones included, is wrapped once: its answers are checked and counted.
for (const detector of detectors) {
	const count = (): void => {
		detectorInspections.set(detector.name, detectorInspections.get(detector.name)! + 1);
	};
	const {inspectStream, inspectDatagram, readSettled} = detector;
	if (readSettled !== undefined) {
		detector.readSettled = (flow, side, context) => {
			settledReadings.set(detector.name, settledReadings.get(detector.name)! + 1);
			assert.ok(flow.classified, `${detector.name}.readSettled reads settled flows only`);
			const wanted = readSettled.call(detector, flow, side, context);
			assert.equal(typeof wanted, 'boolean', `${detector.name}.readSettled answers whether it still reads the flow`);
			return wanted;
		};
	}
	if (inspectStream !== undefined) {
		detector.inspectStream = (flow, side, context) => {
			count();
			const wanted = inspectStream.call(detector, flow, side, context);
			assert.equal(typeof wanted, 'boolean', `${detector.name}.inspectStream answers whether it still wants the flow`);
			return wanted;
		};
	}
	if (inspectDatagram !== undefined) {
		detector.inspectDatagram = (flow, side, payload, context) => {
			count();
			const wanted = inspectDatagram.call(detector, flow, side, payload, context);
			assert.equal(typeof wanted, 'boolean', `${detector.name}.inspectDatagram answers whether it still wants the flow`);
			return wanted;
		};
	}
}

/** Checks each flow event against the caps, then hands it to the engine. */
class CheckingObserver implements FlowObserver {
	private readonly live = new Set<number>();
	private readonly ended = new Set<number>();

	constructor(private readonly engine: DetectionEngine) {}

	get liveFlows(): number {
		return this.live.size;
	}

	flowStarted(flow: FlowView): void {
		assert.ok(!this.live.has(flow.id) && !this.ended.has(flow.id), `flow ${flow.id} started once`);
		this.live.add(flow.id);
		this.engine.flowStarted(flow);
	}

	streamGrew(flow: FlowView, side: Side): void {
		assert.ok(this.live.has(flow.id), 'a live flow');
		assert.ok(!flow.classified || flow.settledReaders !== 0, 'settled flows are not inspected unless read on');
		assert.ok(flow.stream(side).length <= fuzzCaps.payloadBytes, `stream of ${flow.stream(side).length} bytes within --payload-bytes`);
		assert.ok(flow.flights.length <= maxFlights, `${flow.flights.length} flights`);
		this.engine.streamGrew(flow, side);
	}

	datagram(flow: FlowView, side: Side, payload: Uint8Array): void {
		assert.ok(this.live.has(flow.id), 'a live flow');
		assert.ok(!flow.classified, 'settled flows are not inspected');
		this.engine.datagram(flow, side, payload);
	}

	flowEnded(flow: FlowView): void {
		assert.ok(this.live.delete(flow.id), `flow ${flow.id} ended once, after it started`);
		this.ended.add(flow.id);
		this.engine.flowEnded(flow);
	}

	tick(nowMicros: number): void {
		this.engine.tick(nowMicros);
	}
}

/** Every string in `value`, however deep, is already what toDisplay would make of it. */
export function assertSanitized(value: unknown, where: string): void {
	if (typeof value === 'string') {
		assert.equal(toDisplay(value, Number.POSITIVE_INFINITY), value, `${where}: ${JSON.stringify(value)} is display-safe`);
	} else if (Array.isArray(value)) {
		value.forEach((entry, index) => assertSanitized(entry, `${where}[${index}]`));
	} else if (value !== null && typeof value === 'object') {
		for (const [key, entry] of Object.entries(value)) assertSanitized(entry, `${where}.${key}`);
	}
}

/** Every record through the pipeline, the capture flushed at the end, everything checked; the alerts raised. */
export function runPipeline(records: Iterable<PacketRecord>): Alert[] {
	const alerts: Alert[] = [];
	const homeNet = CidrSet.parse(defaultHomeNet);
	const engine = new DetectionEngine({homeNet, allow: CidrSet.parse([]), onAlert: (alert) => alerts.push(alert)});
	const observer = new CheckingObserver(engine);
	const pipeline = new TrafficPipeline({observer, homeNet, ...fuzzCaps});
	try {
		return checkedRun(records, pipeline, engine, observer, alerts);
	} catch (error) {
		// Detector state lives in module tables keyed by flow ids, which every pipeline starts again
		// from: a failed input's flows must end, or their state would pollute (and mis-shrink) the next.
		try {
			pipeline.flush();
		} catch {
			// The first failure is the one to report.
		}
		throw error;
	}
}

function checkedRun(records: Iterable<PacketRecord>, pipeline: TrafficPipeline, engine: DetectionEngine, observer: CheckingObserver, alerts: Alert[]): Alert[] {
	const statesBefore = flowStatesHeld();
	let packets = 0;
	for (const record of records) {
		pipeline.packet(record);
		packets++;
		assert.ok(pipeline.flows.active <= fuzzCaps.flowCap, `${pipeline.flows.active} flows within --flow-cap`);
		assert.ok(observer.liveFlows <= pipeline.flows.active, 'the observer sees live flows only (TCP and UDP ones)');
		assert.ok(pipeline.hosts.size <= fuzzCaps.hostCap, `${pipeline.hosts.size} hosts within --host-cap`);
		assert.ok(flowStatesHeld() - statesBefore <= observer.liveFlows * detectors.length, 'detectors keep state for live flows only');
	}
	const summaries = new SummaryBuilder(pipeline, engine);
	const summary = (detailHost: string | undefined, final: boolean): WorkerMessage =>
		summaries.build({source: {kind: 'file', name: 'fuzz.pcap'}, view: {sort: 'severity', reverse: false, filter: '', offset: 0, limit: fuzzCaps.hostCap, detailHost}, speed: 'max', paused: false, final});
	assertSanitized(summary(alerts[0]?.host, false), 'summary while flows are live');
	pipeline.flush();
	assert.equal(pipeline.flows.active, 0, 'no flow outlives the capture');
	assert.equal(observer.liveFlows, 0, 'every flow ended');
	assert.equal(flowStatesHeld(), statesBefore, 'detectors released the state of every ended flow');
	assert.equal(pipeline.totals.packets, packets);
	for (const alert of alerts) {
		alertsRaised.set(alert.detection, (alertsRaised.get(alert.detection) ?? 0) + 1);
		assertSanitized(alert, `alert ${alert.id}`);
		assert.ok(alert.certainty >= 0 && alert.certainty <= 100, `certainty ${alert.certainty}`);
		assert.ok(alert.evidence.length > 0, 'an alert says why');
	}
	assertSanitized(summary(alerts.at(-1)?.host, true), 'summary at the end');
	return alerts;
}
