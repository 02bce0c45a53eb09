// A detection engine with the default home network, collecting the alerts it emits, plus helpers
// that drive fake flows through it the way the flow table does.
import {DetectionEngine} from '../../../source/detect/engine.js';
import type {PoolList} from '../../../source/detect/pool-list.js';
import {CidrSet, defaultHomeNet} from '../../../source/flows/cidr-set.js';
import type {Side} from '../../../source/flows/flow-view.js';
import type {Alert} from '../../../source/model/messages.js';
import {FakeFlow, type FakeFlowOptions} from './fake-flow.js';

export interface Harness {
	engine: DetectionEngine;
	alerts: Alert[];
	/** Opens a flow and tells the engine. */
	open(options?: FakeFlowOptions): FakeFlow;
	/** Appends to a TCP direction and tells the engine (unless the flow is settled and no detector reads it on, like the flow table). */
	send(flow: FakeFlow, side: Side, bytes: Uint8Array | string, advanceMicros?: number): void;
	datagram(flow: FakeFlow, side: Side, bytes: Uint8Array, advanceMicros?: number): void;
	end(flow: FakeFlow): void;
	/** The latest state of each alert, by id. */
	latest(): Alert[];
}

export function harness(options: {allow?: string[]; extraPools?: PoolList; homeNet?: string[]} = {}): Harness {
	const alerts: Alert[] = [];
	const engine = new DetectionEngine({
		homeNet: CidrSet.parse(options.homeNet ?? defaultHomeNet),
		allow: CidrSet.parse(options.allow ?? []),
		extraPools: options.extraPools,
		onAlert: (alert) => alerts.push(alert),
	});
	return {
		engine,
		alerts,
		open(flowOptions) {
			const flow = new FakeFlow(flowOptions);
			engine.flowStarted(flow);
			return flow;
		},
		send(flow, side, bytes, advanceMicros) {
			if (flow.classified && flow.settledReaders === 0) return;
			flow.append(side, bytes, advanceMicros);
			engine.streamGrew(flow, side);
		},
		datagram(flow, side, bytes, advanceMicros = 1000) {
			flow.lastSeenMicros += advanceMicros;
			if (!flow.classified) engine.datagram(flow, side, bytes);
		},
		end(flow) {
			engine.flowEnded(flow);
		},
		latest() {
			const byId = new Map<string, Alert>();
			for (const alert of alerts) byId.set(alert.id, alert);
			return [...byId.values()];
		},
	};
}
