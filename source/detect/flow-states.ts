// Per-flow detector state keyed by the flow's numeric id. A Map of numbers is far cheaper than a
// WeakMap keyed by the flow object (no ephemeron work for the collector on every young flow); the
// engine calls `release` when the detector is done with a flow, so entries never outlive it.
import type {FlowView} from '../flows/flow-view.js';

/** Entries held across every detector's table: bounded by the live flows, back to zero when none is left. */
let entriesHeld = 0;

export function flowStatesHeld(): number {
	return entriesHeld;
}

export class FlowStates<State> {
	private readonly byId = new Map<number, State>();

	get(flow: FlowView): State | undefined {
		return this.byId.get(flow.id);
	}

	set(flow: FlowView, state: State): State {
		if (!this.byId.has(flow.id)) entriesHeld++;
		this.byId.set(flow.id, state);
		return state;
	}

	delete(flow: FlowView): void {
		if (this.byId.delete(flow.id)) entriesHeld--;
	}
}
