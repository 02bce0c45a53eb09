// The host window a renderer asks for, answered from the rows a sensor's summary carried (its
// `--top`), with the worker's own order and filter (flows/host-table.ts): sorting and filtering in
// `minewatch view` work on what the stream holds, as they would at the sensor on those hosts.
import {parseIpv4, parseIpv6} from '../decode/ip-address-text.js';
import {compareAddressWords, compareSortKeys, hostFilterText, matchesHostFilter, setSortKeys, type SortKeys} from '../flows/host-table.js';
import type {HostDetail, HostRow, HostView} from '../model/messages.js';

interface OrderedRow extends SortKeys {
	row: HostRow;
	ipVersion: number;
	words: readonly number[];
}

function addressWords(address: string): {ipVersion: number; words: readonly number[]} {
	const v4 = parseIpv4(address);
	if (v4 !== undefined) {
		return {ipVersion: 4, words: [v4, 0, 0, 0]};
	}

	// The reader admits only rows whose address parses as one or the other.
	return {ipVersion: 6, words: parseIpv6(address)!};
}

export interface HostWindow {
	/** Carried hosts matching the view's filter. */
	matched: number;
	rows: HostRow[];
	detail?: HostDetail;
}

export function hostWindow(carried: readonly HostRow[], view: HostView): HostWindow {
	const filter = hostFilterText(view.filter);
	const ordered: OrderedRow[] = [];
	for (const row of carried) {
		if (filter !== '' && !matchesHostFilter(row.address, row, filter)) {
			continue;
		}

		const entry: OrderedRow = {row, ...addressWords(row.address), sortKey: 0, sortTie: 0};
		setSortKeys(entry, view.sort, {
			severity: row.severity,
			traffic: row.bytesIn + row.bytesOut,
			peers: row.peers,
			packetRate: row.packetsPerSecond,
			lastSeen: row.lastSeen,
		});
		ordered.push(entry);
	}

	const direction = view.reverse ? -1 : 1;
	ordered.sort((left, right) => direction * (compareSortKeys(left, right) || compareAddressWords(left.ipVersion, left.words, 0, right.ipVersion, right.words, 0)));
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
