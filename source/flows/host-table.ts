// Per-address traffic counters, bounded with least-recently-seen eviction and keyed numerically;
// the worker sorts, filters and windows the rows here so the renderer never handles the full table.
import {severities, type HostRole, type HostRow, type HostSortKey, type HostView, type PeerRow, type ProtocolFamily, type Severity} from '../model/messages.js';
import type {DecodedPacket} from '../decode/decoded-packet.js';
import {formatIpv4, formatIpv6, parseIpv4, parseIpv6} from '../decode/ip-address-text.js';
import type {CidrSet} from './cidr-set.js';
import {addressHash} from './endpoint-hash.js';
import type {Flow} from './flow.js';
import {LruList, type LruEntry} from './lru-list.js';
import type {PeerTally} from './peer-tally.js';

/** What detection knows about a host; supplied per query, never stored by the table. */
export interface HostDecoration {
	roles: HostRole[];
	severity?: Severity;
	protocols: ProtocolFamily[];
	name?: string;
}

export type Decorate = (address: string) => HostDecoration;

export interface HostTableOptions {
	homeNet: CidrSet;
	/** Hosts kept at most; the least recently seen is evicted beyond it. */
	hostCap?: number;
	/** Distinct peers remembered (and so counted) per host. */
	peerCap?: number;
}

const microsPerSecond = 1e6;
const defaultPeerLimit = 50;

export class Host implements LruEntry<Host> {
	readonly words = new Uint32Array(4);
	address = '';
	internal = false;
	packets = 0;
	bytesIn = 0;
	bytesOut = 0;
	flows = 0;
	firstSeenMicros = 0;
	lastSeenMicros = 0;
	/** Keyed by the peer's address hash. */
	peers: Map<number, PeerTally> | undefined;
	/** The capture second being counted, its counts so far, and the counts of the second before it. */
	rateSecond = 0;
	secondPackets = 0;
	secondBytes = 0;
	previousPackets = 0;
	previousBytes = 0;
	/** The decoration of the current query, when the query needs every host's. */
	decoration: HostDecoration | undefined;
	/** The current query's order: higher keys first, then the lower address. */
	sortKey = 0;
	sortTie = 0;

	hash = 0;
	nextInBucket: Host | undefined;
	newer: Host | undefined;
	older: Host | undefined;
	list: LruList<Host> | undefined;

	constructor(readonly ipVersion: number) {}

	get peerCount(): number {
		return this.peers?.size ?? 0;
	}

	/** Rate over the last complete capture second (0 when the host was quiet then). */
	packetsPerSecond(nowSecond: number): number {
		if (nowSecond === this.rateSecond) return this.previousPackets;
		return nowSecond === this.rateSecond + 1 ? this.secondPackets : 0;
	}

	bytesPerSecond(nowSecond: number): number {
		if (nowSecond === this.rateSecond) return this.previousBytes;
		return nowSecond === this.rateSecond + 1 ? this.secondBytes : 0;
	}

	count(wireBytes: number, timestampMicros: number): void {
		this.packets++;
		if (timestampMicros > this.lastSeenMicros) this.lastSeenMicros = timestampMicros;
		const second = Math.floor(timestampMicros / microsPerSecond);
		if (second > this.rateSecond) {
			const adjacent = second === this.rateSecond + 1;
			this.previousPackets = adjacent ? this.secondPackets : 0;
			this.previousBytes = adjacent ? this.secondBytes : 0;
			this.secondPackets = 0;
			this.secondBytes = 0;
			this.rateSecond = second;
		}
		this.secondPackets++;
		this.secondBytes += wireBytes;
	}
}

export class HostTable {
	evicted = 0;
	/** The sender and receiver hosts of the last `packet` call. */
	lastSource: Host | undefined;
	lastDestination: Host | undefined;
	private readonly homeNet: CidrSet;
	private readonly hostCap: number;
	private readonly peerCap: number;
	private readonly buckets = new Map<number, Host>();
	private readonly recency = new LruList<Host>();
	private readonly lookupWords = new Uint32Array(4);
	/** Reused by each query so sorting a large table does not allocate a new array every second. */
	private readonly candidates: Host[] = [];
	private nowMicros = 0;

	constructor(options: HostTableOptions) {
		this.homeNet = options.homeNet;
		this.hostCap = Math.max(1, options.hostCap ?? 50_000);
		this.peerCap = Math.max(0, options.peerCap ?? 256);
	}

	get size(): number {
		return this.recency.size;
	}

	/** Counts one IP packet for its sender and receiver. */
	packet(packet: DecodedPacket, wireBytes: number, timestampMicros: number): void {
		if (timestampMicros > this.nowMicros) this.nowMicros = timestampMicros;
		const source = this.hostFor(packet.source, packet.ipVersion, timestampMicros);
		source.count(wireBytes, timestampMicros);
		source.bytesOut += wireBytes;
		const destination = this.hostFor(packet.destination, packet.ipVersion, timestampMicros);
		if (destination !== source) destination.count(wireBytes, timestampMicros);
		destination.bytesIn += wireBytes;
		this.lastSource = source;
		this.lastDestination = destination;
	}

	/** Counts a flow the last packet created for both its hosts and links it to their peer tallies. */
	flowCreated(flow: Flow): void {
		const source = this.lastSource;
		const destination = this.lastDestination;
		if (source === undefined || destination === undefined) return;
		source.flows++;
		if (destination !== source) destination.flows++;
		const sourceTally = this.tallyOf(source, destination);
		const destinationTally = this.tallyOf(destination, source);
		const sourceIsClient = flow.clientAddress === source.address;
		flow.clientPeerTally = sourceIsClient ? sourceTally : destinationTally;
		flow.serverPeerTally = sourceIsClient ? destinationTally : sourceTally;
	}

	find(address: string): Host | undefined {
		const v4 = parseIpv4(address);
		if (v4 !== undefined) {
			this.lookupWords[0] = v4;
			return this.lookup(this.lookupWords, 4);
		}
		const v6 = parseIpv6(address);
		if (v6 === undefined) return undefined;
		this.lookupWords.set(v6);
		return this.lookup(this.lookupWords, 6);
	}

	row(address: string, decorate: Decorate): HostRow | undefined {
		const host = this.find(address);
		return host === undefined ? undefined : this.toRow(host, decorate(host.address));
	}

	/** The peers a host exchanged traffic with, most bytes first. */
	peersOf(address: string, decorate: Decorate, limit = defaultPeerLimit): PeerRow[] {
		const host = this.find(address);
		if (host?.peers === undefined) return [];
		const tallies = [...host.peers.values()].sort((left, right) => right.bytes - left.bytes).slice(0, Math.max(0, limit));
		return tallies.map((tally) => {
			const name = decorate(tally.address).name;
			const row: PeerRow = {address: tally.address, internal: tally.internal, flows: tally.flows, bytes: tally.bytes};
			if (name !== undefined) row.name = name;
			return row;
		});
	}

	/** The requested window of hosts matching the view's filter, in the view's order. */
	rows(view: HostView, decorate: Decorate): {matched: number; rows: HostRow[]} {
		const filter = view.filter.trim().toLowerCase();
		const decorateAll = filter !== '' || view.sort === 'severity';
		const nowSecond = Math.floor(this.nowMicros / microsPerSecond);
		const candidates = this.candidates;
		candidates.length = 0;
		for (let host = this.recency.newest; host !== undefined; host = host.older) {
			if (decorateAll) {
				host.decoration = decorate(host.address);
				if (filter !== '' && !matchesFilter(host, host.decoration, filter)) continue;
			}
			setSortKeys(host, view.sort, nowSecond);
			candidates.push(host);
		}
		const offset = Math.max(0, view.offset);
		const window = selectTop(candidates, offset + Math.max(0, view.limit), view.reverse ? -1 : 1).slice(offset);
		const rows = window.map((host) => this.toRow(host, decorateAll ? host.decoration! : decorate(host.address)));
		if (decorateAll) for (const host of candidates) host.decoration = undefined;
		const matched = candidates.length;
		candidates.length = 0;
		return {matched, rows};
	}

	private toRow(host: Host, decoration: HostDecoration): HostRow {
		const nowSecond = Math.floor(this.nowMicros / microsPerSecond);
		const row: HostRow = {
			address: host.address,
			internal: host.internal,
			roles: decoration.roles,
			protocols: decoration.protocols,
			peers: host.peerCount,
			flows: host.flows,
			packets: host.packets,
			bytesIn: host.bytesIn,
			bytesOut: host.bytesOut,
			packetsPerSecond: host.packetsPerSecond(nowSecond),
			bitsPerSecond: host.bytesPerSecond(nowSecond) * 8,
			firstSeen: Math.floor(host.firstSeenMicros / 1000),
			lastSeen: Math.floor(host.lastSeenMicros / 1000),
		};
		if (decoration.name !== undefined) row.name = decoration.name;
		if (decoration.severity !== undefined) row.severity = decoration.severity;
		return row;
	}

	private tallyOf(host: Host, peer: Host): PeerTally | undefined {
		host.peers ??= new Map();
		let tally = host.peers.get(peer.hash);
		if (tally !== undefined && tally.address !== peer.address) return undefined;
		if (tally === undefined) {
			if (host.peers.size >= this.peerCap) return undefined;
			tally = {address: peer.address, internal: peer.internal, flows: 0, bytes: 0};
			host.peers.set(peer.hash, tally);
		}
		tally.flows++;
		return tally;
	}

	private lookup(words: Uint32Array, ipVersion: number): Host | undefined {
		const hash = addressHash(words, ipVersion) & 0x7fffffff;
		let host = this.buckets.get(hash);
		while (host !== undefined && !sameAddress(host, words, ipVersion)) host = host.nextInBucket;
		return host;
	}

	private hostFor(words: Uint32Array, ipVersion: number, timestampMicros: number): Host {
		const hash = addressHash(words, ipVersion) & 0x7fffffff;
		let host = this.buckets.get(hash);
		while (host !== undefined && !sameAddress(host, words, ipVersion)) host = host.nextInBucket;
		if (host === undefined) {
			if (this.recency.size >= this.hostCap) this.evictOldest();
			host = new Host(ipVersion);
			host.words.set(words);
			host.address = ipVersion === 6 ? formatIpv6(words[0]!, words[1]!, words[2]!, words[3]!) : formatIpv4(words[0]!);
			host.internal = this.homeNet.containsWords(words, ipVersion);
			host.firstSeenMicros = timestampMicros;
			host.lastSeenMicros = timestampMicros;
			host.rateSecond = Math.floor(timestampMicros / microsPerSecond);
			host.hash = hash;
			host.nextInBucket = this.buckets.get(hash);
			this.buckets.set(hash, host);
		}
		this.recency.touch(host);
		return host;
	}

	private evictOldest(): void {
		const host = this.recency.oldest;
		if (host === undefined) return;
		this.recency.remove(host);
		const head = this.buckets.get(host.hash);
		if (head === host) {
			if (host.nextInBucket === undefined) this.buckets.delete(host.hash);
			else this.buckets.set(host.hash, host.nextInBucket);
		} else {
			let previous = head;
			while (previous !== undefined && previous.nextInBucket !== host) previous = previous.nextInBucket;
			if (previous !== undefined) previous.nextInBucket = host.nextInBucket;
		}
		host.nextInBucket = undefined;
		this.evicted++;
	}
}

function sameAddress(host: Host, words: Uint32Array, ipVersion: number): boolean {
	if (host.ipVersion !== ipVersion || host.words[0] !== words[0]) return false;
	return ipVersion !== 6 || (host.words[1] === words[1] && host.words[2] === words[2] && host.words[3] === words[3]);
}

function matchesFilter(host: Host, decoration: HostDecoration, filter: string): boolean {
	if (host.address.includes(filter)) return true;
	if (decoration.name !== undefined && decoration.name.toLowerCase().includes(filter)) return true;
	return decoration.protocols.some((protocol) => protocol.includes(filter)) || decoration.roles.some((role) => role.includes(filter));
}

function setSortKeys(host: Host, sort: HostSortKey, nowSecond: number): void {
	const traffic = host.bytesIn + host.bytesOut;
	switch (sort) {
		case 'severity': {
			const severity = host.decoration?.severity;
			host.sortKey = severity === undefined ? -1 : severities.indexOf(severity);
			host.sortTie = traffic;
			return;
		}
		case 'traffic':
			host.sortKey = traffic;
			host.sortTie = 0;
			return;
		case 'address':
			host.sortKey = 0;
			host.sortTie = 0;
			return;
		case 'peers':
			host.sortKey = host.peerCount;
			host.sortTie = traffic;
			return;
		case 'packetRate':
			host.sortKey = host.packetsPerSecond(nowSecond);
			host.sortTie = traffic;
			return;
		case 'lastSeen':
			host.sortKey = host.lastSeenMicros;
			host.sortTie = 0;
			return;
	}
}

/** Negative when `left` comes first; `direction` -1 reverses the order. */
function compareHosts(left: Host, right: Host, direction: number): number {
	const order = right.sortKey - left.sortKey || right.sortTie - left.sortTie || compareAddress(left, right);
	return order * direction;
}

function compareAddress(left: Host, right: Host): number {
	if (left.ipVersion !== right.ipVersion) return left.ipVersion - right.ipVersion;
	for (let word = 0; word < 4; word++) {
		if (left.words[word] !== right.words[word]) return left.words[word]! - right.words[word]!;
	}
	return 0;
}

/**
 * The first `count` hosts in order, through a bounded heap whose root is the worst kept host:
 * O(n log count) instead of sorting the whole table for a window of a few dozen rows.
 */
function selectTop(hosts: Host[], count: number, direction: number): Host[] {
	if (count <= 0) return [];
	const compare = (left: Host, right: Host) => compareHosts(left, right, direction);
	if (count * 4 >= hosts.length) return hosts.slice().sort(compare).slice(0, count);
	const heap: Host[] = [];
	for (const host of hosts) {
		if (heap.length < count) {
			heap.push(host);
			siftUp(heap, heap.length - 1, direction);
		} else if (compareHosts(host, heap[0]!, direction) < 0) {
			heap[0] = host;
			siftDown(heap, direction);
		}
	}
	return heap.sort(compare);
}

function siftUp(heap: Host[], index: number, direction: number): void {
	const host = heap[index]!;
	while (index > 0) {
		const parent = (index - 1) >> 1;
		if (compareHosts(heap[parent]!, host, direction) >= 0) break;
		heap[index] = heap[parent]!;
		index = parent;
	}
	heap[index] = host;
}

function siftDown(heap: Host[], direction: number): void {
	const host = heap[0]!;
	let index = 0;
	for (;;) {
		let worst = index * 2 + 1;
		if (worst >= heap.length) break;
		const right = worst + 1;
		if (right < heap.length && compareHosts(heap[right]!, heap[worst]!, direction) > 0) worst = right;
		if (compareHosts(heap[worst]!, host, direction) <= 0) break;
		heap[index] = heap[worst]!;
		index = worst;
	}
	heap[index] = host;
}
