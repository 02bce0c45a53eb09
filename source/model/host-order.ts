// How the host table is sorted and filtered, in one place for whoever holds the hosts: the worker over
// its whole table, and a renderer that only has the rows a stream carried (`minewatch view`).
import {severityRank, type HostRow, type HostSortKey, type Severity} from './messages.js';

/** What a host is sorted by, whichever column the view sorts. */
export interface HostOrderFacts {
	severity: Severity | undefined;
	/** Bytes in and out. */
	traffic: number;
	peers: number;
	/** Packets in the last complete capture second. */
	packetRate: number;
	/** Capture time of the newest packet, in any unit that orders it. */
	lastSeen: number;
}

export interface HostOrderKeys {
	key: number;
	tie: number;
}

/** The view's column as a key and a tie-break, both higher first; hosts equal on both go by address. */
export function hostOrderKeys(sort: HostSortKey, facts: HostOrderFacts): HostOrderKeys {
	switch (sort) {
		case 'severity': return {key: facts.severity === undefined ? 0 : severityRank[facts.severity], tie: facts.traffic};
		case 'traffic': return {key: facts.traffic, tie: 0};
		case 'address': return {key: 0, tie: 0};
		case 'peers': return {key: facts.peers, tie: facts.traffic};
		case 'packetRate': return {key: facts.packetRate, tie: facts.traffic};
		case 'lastSeen': return {key: facts.lastSeen, tie: 0};
	}
}

/** Negative when `left` comes first; `addressOrder` (lower address first) settles what the keys leave equal. */
export function compareHostOrder(left: HostOrderKeys, right: HostOrderKeys, reverse: boolean, addressOrder: () => number): number {
	const order = right.key - left.key || right.tie - left.tie || addressOrder();
	return reverse ? -order : order;
}

/** A row's facts: its last-seen time is in milliseconds, so hosts seen within one millisecond tie. */
export function hostRowFacts(row: HostRow): HostOrderFacts {
	return {severity: row.severity, traffic: row.bytesIn + row.bytesOut, peers: row.peers, packetRate: row.packetsPerSecond, lastSeen: row.lastSeen};
}

/** The filter as typed, as it is matched. */
export function normalizeHostFilter(filter: string): string {
	return filter.trim().toLowerCase();
}

/** Whether a host matches a normalized, non-empty filter: in its address, name, protocols or roles. */
export function hostMatchesFilter(host: Pick<HostRow, 'address' | 'name' | 'protocols' | 'roles'>, filter: string): boolean {
	if (host.address.includes(filter)) return true;
	if (host.name !== undefined && host.name.toLowerCase().includes(filter)) return true;
	return host.protocols.some((protocol) => protocol.includes(filter)) || host.roles.some((role) => role.includes(filter));
}
