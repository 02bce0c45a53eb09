// Detection off: every flow is classified on arrival, so no payload is reassembled or inspected.
// What the benches run to measure or count flow tracking alone.
import type {FlowObserver} from '../source/flows/flow-view.js';

export const flowsOnly: FlowObserver = {
	flowStarted(flow) {
		flow.classified = true;
	},
	streamGrew() {},
	datagram() {},
	flowEnded() {},
};
