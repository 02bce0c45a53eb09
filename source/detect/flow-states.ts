// Per-flow detector state keyed by the flow's numeric id. A Map of numbers is far cheaper than a
// WeakMap keyed by the flow object (no ephemeron work for the collector on every young flow); the
// engine calls `release` when the detector is done with a flow, so entries never outlive it.
import type {FlowView} from '../flows/flow-view.js';

export class FlowStates<State> {
	private readonly byId = new Map<number, State>();

	get(flow: FlowView): State | undefined {
		return this.byId.get(flow.id);
	}

	set(flow: FlowView, state: State): State {
		this.byId.set(flow.id, state);
		return state;
	}

	delete(flow: FlowView): void {
		this.byId.delete(flow.id);
	}
}
