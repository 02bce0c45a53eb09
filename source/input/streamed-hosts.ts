// The host window a renderer asks for, answered from the rows a sensor's summary carried (its
// `--top`), with the worker's own order and filter (model/host-order.ts): sorting and filtering in
// `minewatch view` work on what the stream holds, as they would at the sensor on those hosts.
import {compareAddressText} from '../decode/ip-address-text.js';
import {compareHostOrder, hostMatchesFilter, hostOrderKeys, hostRowFacts, normalizeHostFilter} from '../model/host-order.js';
import type {HostDetail, HostRow, HostView} from '../model/messages.js';

export interface HostWindow {
	/** Carried hosts matching the view's filter. */
	matched: number;
	rows: HostRow[];
	detail?: HostDetail;
}

export function hostWindow(carried: readonly HostRow[], view: HostView): HostWindow {
	const filter = normalizeHostFilter(view.filter);
	const ordered = carried
		.filter(row => filter === '' || hostMatchesFilter(row, filter))
		.map(row => ({row, keys: hostOrderKeys(view.sort, hostRowFacts(row))}))
		.sort((left, right) => compareHostOrder(left.keys, right.keys, view.reverse, () => compareAddressText(left.row.address, right.row.address)));
	const offset = Math.max(0, view.offset);
	const window: HostWindow = {matched: ordered.length, rows: ordered.slice(offset, offset + Math.max(0, view.limit)).map(entry => entry.row)};
	if (view.detailHost !== undefined) {
		const host = carried.find(row => row.address === view.detailHost);
		if (host !== undefined) {
			window.detail = {host, liveFlows: 0, flows: [], peers: [], streamed: true};
		}
	}

	return window;
}
