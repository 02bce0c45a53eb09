// Per-address traffic counters, bounded with least-recently-seen eviction and keyed numerically;
// the worker sorts, filters and windows the rows here so the renderer never handles the full table.
//
// Every host owns a slot: its address and counters are one record in a single Float64Array, found
// through an open-addressing index; the record's touch number orders hosts by recency for eviction
// (RecencyOrder). Counting a packet reads and writes numbers in the record only; an evicted host's
// slot (and its handle object) serves the next new host, so address churn creates no garbage. Address text is made only when a row needs it.
import {severities, type HostRole, type HostRow, type HostSortKey, type HostView, type PeerRow, type ProtocolFamily, type Severity} from '../model/messages.js';
import type {DecodedPacket} from '../decode/decoded-packet.js';
import {formatIpv4, formatIpv6, parseIpv4, parseIpv6} from '../decode/ip-address-text.js';
import type {CidrSet} from './cidr-set.js';
import {addressHash} from './endpoint-hash.js';
import type {Flow} from './flow.js';
import {PeerBook} from './peer-book.js';
import {SlotIndex} from './slot-index.js';
import {RecencyOrder} from './recency-order.js';
import {grownFloat64Array, nextCapacity} from './typed-growth.js';

/** What detection knows about a host; supplied per query, never stored by the table. */
export interface HostDecoration {
	roles: HostRole[];
	severity?: Severity;
	protocols: ProtocolFamily[];
	name?: string;
}

export type Decorate = (address: string) => HostDecoration;

/** What a view's sort orders a host by: the table reads it from its records, `minewatch view` from the rows the sensor sent. */
export interface HostOrderFacts {
	severity: Severity | undefined;
	/** Bytes in and out. */
	traffic: number;
	peers: number;
	/** Packets in the last complete capture second. */
	packetRate: number;
	lastSeen: number;
}

/** A host's place in a view's order: higher keys first, then higher ties, then the lower address. */
export interface SortKeys {
	sortKey: number;
	sortTie: number;
}

export interface HostTableOptions {
	homeNet: CidrSet;
	/** Hosts kept at most; the least recently seen is evicted beyond it. */
	hostCap?: number;
	/** Distinct peers remembered (and so counted) per host. */
	peerCap?: number;
	/**
	 * Brings the peer byte counts up to date (see `settlePeerBytes`) by settling every live flow;
	 * called before peers are listed.
	 */
	settleLiveFlows?: () => void;
}

const microsPerSecond = 1e6;
const defaultPeerLimit = 50;

/**
 * Offsets in a host's record: first what every packet reads and writes (one cache line), then the
 * address and what changes rarely. Address words as the decoder gives them (IPv4: the first only).
 */
const enum Field {
	/** Counts the hosts the slot has held, so a remembered slot can be checked before use. */
	generation = 0,
	packets = 1,
	lastSeen = 2,
	/** The capture second being counted, its counts so far, and (below) the counts of the second before it. */
	rateSecond = 3,
	secondPackets = 4,
	secondBytes = 5,
	bytesIn = 6,
	bytesOut = 7,
	/** The table's touch count when a packet last counted for the host: its place in recency order. */
	touched = 8,
	w0 = 9,
	ipVersion = 13,
	internal = 14,
	hash = 15,
	flows = 16,
	firstSeen = 17,
	previousPackets = 18,
	previousBytes = 19,
}
const stride = 20;

/** The object side of a host slot: what does not fit in numbers. Reused when the slot is. */
export class Host implements SortKeys {
	/** Address text, made on first use. */
	text: string | undefined = undefined;
	/** The decoration of the current query, when the query needs every host's. */
	decoration: HostDecoration | undefined = undefined;
	/** The current query's order: higher keys first, then the lower address. */
	sortKey = 0;
	sortTie = 0;

	constructor(readonly slot: number) {}

	reset(): void {
		this.text = undefined;
		this.decoration = undefined;
	}
}

export class HostTable {
	evicted = 0;
	private readonly homeNet: CidrSet;
	private readonly settleLiveFlows: (() => void) | undefined;
	private readonly hostCap: number;
	private readonly peerCap: number;
	private readonly index = new SlotIndex();
	private readonly peers = new PeerBook();
	private readonly recency: RecencyOrder;
	/** Touches so far: each packet's hosts get the next numbers. */
	private touches = 0;
	private records: Float64Array;
	private readonly handles: Host[] = [];
	/** The sender and receiver slots of the last `packet` call (-1: none, or evicted since). */
	private lastSource = -1;
	private lastDestination = -1;
	private readonly lookupWords = new Uint32Array(4);
	/** Reused by each query so sorting a large table does not allocate a new array every second. */
	private readonly candidates: Host[] = [];
	/** Reused for each host a query orders. */
	private readonly orderFacts: HostOrderFacts = {severity: undefined, traffic: 0, peers: 0, packetRate: 0, lastSeen: 0};
	private nowMicros = 0;
	private readonly lastTouchOf = (slot: number): number => this.records[slot * stride + Field.touched]!;

	constructor(options: HostTableOptions) {
		this.homeNet = options.homeNet;
		this.settleLiveFlows = options.settleLiveFlows;
		this.hostCap = Math.max(1, options.hostCap ?? 50_000);
		this.peerCap = Math.max(0, options.peerCap ?? 256);
		const capacity = nextCapacity(0, 1, this.hostCap);
		this.records = new Float64Array(capacity * stride);
		this.recency = new RecencyOrder(capacity);
		this.peers.growHosts(capacity);
	}

	get size(): number {
		return this.recency.size;
	}

	/** Counts one IP packet for its sender and receiver. */
	packet(packet: DecodedPacket, wireBytes: number, timestampMicros: number): void {
		if (timestampMicros > this.nowMicros) this.nowMicros = timestampMicros;
		const second = Math.floor(timestampMicros / microsPerSecond);
		const source = this.hostFor(packet.source, packet.ipVersion, timestampMicros);
		this.count(source, wireBytes, timestampMicros, second);
		this.records[source * stride + Field.bytesOut] += wireBytes;
		this.lastSource = source;
		const destination = this.hostFor(packet.destination, packet.ipVersion, timestampMicros);
		if (destination !== source) this.count(destination, wireBytes, timestampMicros, second);
		this.records[destination * stride + Field.bytesIn] += wireBytes;
		this.lastDestination = destination;
	}

	/**
	 * Counts one packet of `flow` for its sender and receiver (`fromClient`: sent by the flow's
	 * client). The flow remembers its hosts' slots, so its later packets skip the address lookups
	 * while those slots still hold its hosts. `created`: the packet started the flow, which is then
	 * counted for both hosts and linked to their peer tallies.
	 */
	flowPacket(flow: Flow, fromClient: boolean, created: boolean, packet: DecodedPacket, wireBytes: number, timestampMicros: number): void {
		if (timestampMicros > this.nowMicros) this.nowMicros = timestampMicros;
		const second = Math.floor(timestampMicros / microsPerSecond);
		const ipVersion = packet.ipVersion;
		const source = fromClient
			? this.hostAt(flow.clientHost, flow.clientHostGeneration, packet.source, ipVersion, timestampMicros)
			: this.hostAt(flow.serverHost, flow.serverHostGeneration, packet.source, ipVersion, timestampMicros);
		this.count(source, wireBytes, timestampMicros, second);
		this.records[source * stride + Field.bytesOut] += wireBytes;
		this.lastSource = source;
		const destination = fromClient
			? this.hostAt(flow.serverHost, flow.serverHostGeneration, packet.destination, ipVersion, timestampMicros)
			: this.hostAt(flow.clientHost, flow.clientHostGeneration, packet.destination, ipVersion, timestampMicros);
		if (destination !== source) this.count(destination, wireBytes, timestampMicros, second);
		this.records[destination * stride + Field.bytesIn] += wireBytes;
		this.lastDestination = destination;
		if (created) this.flowCreated(flow, fromClient);
		const client = fromClient ? this.lastSource : destination;
		const server = fromClient ? destination : this.lastSource;
		flow.clientHost = client;
		flow.clientHostGeneration = client < 0 ? 0 : this.records[client * stride + Field.generation]!;
		flow.serverHost = server;
		flow.serverHostGeneration = server < 0 ? 0 : this.records[server * stride + Field.generation]!;
	}

	/**
	 * Adds what the flow carried since it was last settled to its two peer tallies. Peer bytes are
	 * settled when a flow ends and before peers are listed, rather than on every packet, which spares
	 * each packet two reads and writes far apart in memory.
	 */
	settlePeerBytes(flow: Flow): void {
		const carried = flow.clientBytes + flow.serverBytes;
		const unsettled = carried - flow.settledBytes;
		if (unsettled === 0) return;
		flow.settledBytes = carried;
		this.peers.addBytes(flow.clientTally, flow.clientTallyGeneration, unsettled);
		this.peers.addBytes(flow.serverTally, flow.serverTallyGeneration, unsettled);
	}

	find(address: string): Host | undefined {
		const slot = this.slotOf(address);
		return slot < 0 ? undefined : this.handles[slot];
	}

	row(address: string, decorate: Decorate): HostRow | undefined {
		const slot = this.slotOf(address);
		return slot < 0 ? undefined : this.toRow(slot, decorate(this.addressOf(slot)));
	}

	/** The peers a host exchanged traffic with, most bytes first. */
	peersOf(address: string, decorate: Decorate, limit = defaultPeerLimit): PeerRow[] {
		const slot = this.slotOf(address);
		if (slot < 0) return [];
		this.settleLiveFlows?.();
		const tallies = this.peers.peersOf(slot).sort((left, right) => right.bytes - left.bytes).slice(0, Math.max(0, limit));
		return tallies.map((tally) => {
			const name = decorate(tally.address).name;
			const row: PeerRow = {address: tally.address, internal: tally.internal, flows: tally.flows, bytes: tally.bytes};
			if (name !== undefined) row.name = name;
			return row;
		});
	}

	/** The requested window of hosts matching the view's filter, in the view's order. */
	rows(view: HostView, decorate: Decorate): {matched: number; rows: HostRow[]} {
		const filter = hostFilterText(view.filter);
		const decorateAll = filter !== '' || view.sort === 'severity';
		const nowSecond = Math.floor(this.nowMicros / microsPerSecond);
		const candidates = this.candidates;
		candidates.length = 0;
		// Slots fill from 0 and an evicted host's slot goes to the next, so the first `size` are the hosts.
		for (let slot = 0; slot < this.size; slot++) {
			const host = this.handles[slot]!;
			if (decorateAll) {
				host.decoration = decorate(this.addressOf(slot));
				if (filter !== '' && !matchesHostFilter(this.addressOf(slot), host.decoration, filter)) continue;
			}
			setSortKeys(host, view.sort, this.factsOf(host, nowSecond));
			candidates.push(host);
		}
		const offset = Math.max(0, view.offset);
		const records = this.records;
		const direction = view.reverse ? -1 : 1;
		const compare = (left: Host, right: Host): number => {
			const order = compareSortKeys(left, right) || compareAddress(records, left.slot, right.slot);
			return order * direction;
		};
		const window = selectTop(candidates, offset + Math.max(0, view.limit), compare).slice(offset);
		const rows = window.map((host) => this.toRow(host.slot, decorateAll ? host.decoration! : decorate(this.addressOf(host.slot))));
		if (decorateAll) for (const host of candidates) host.decoration = undefined;
		const matched = candidates.length;
		candidates.length = 0;
		return {matched, rows};
	}

	private addressOf(slot: number): string {
		const host = this.handles[slot]!;
		if (host.text === undefined) {
			const records = this.records;
			const base = slot * stride;
			host.text = records[base + Field.ipVersion] === 6
				? formatIpv6(records[base + Field.w0]!, records[base + Field.w0 + 1]!, records[base + Field.w0 + 2]!, records[base + Field.w0 + 3]!)
				: formatIpv4(records[base + Field.w0]!);
		}
		return host.text;
	}

	private toRow(slot: number, decoration: HostDecoration): HostRow {
		const nowSecond = Math.floor(this.nowMicros / microsPerSecond);
		const records = this.records;
		const base = slot * stride;
		const row: HostRow = {
			address: this.addressOf(slot),
			internal: records[base + Field.internal] === 1,
			roles: decoration.roles,
			protocols: decoration.protocols,
			peers: this.peers.peerCount(slot),
			flows: records[base + Field.flows]!,
			packets: records[base + Field.packets]!,
			bytesIn: records[base + Field.bytesIn]!,
			bytesOut: records[base + Field.bytesOut]!,
			packetsPerSecond: this.lastSecond(slot, Field.previousPackets, Field.secondPackets, nowSecond),
			bitsPerSecond: this.lastSecond(slot, Field.previousBytes, Field.secondBytes, nowSecond) * 8,
			firstSeen: Math.floor(records[base + Field.firstSeen]! / 1000),
			lastSeen: Math.floor(records[base + Field.lastSeen]! / 1000),
		};
		if (decoration.name !== undefined) row.name = decoration.name;
		if (decoration.severity !== undefined) row.severity = decoration.severity;
		return row;
	}

	/** A rate over the last complete capture second (0 when the host was quiet then). */
	private lastSecond(slot: number, previousField: number, currentField: number, nowSecond: number): number {
		const base = slot * stride;
		const rateSecond = this.records[base + Field.rateSecond]!;
		if (nowSecond === rateSecond) return this.records[base + previousField]!;
		return nowSecond === rateSecond + 1 ? this.records[base + currentField]! : 0;
	}

	private factsOf(host: Host, nowSecond: number): HostOrderFacts {
		const base = host.slot * stride;
		const facts = this.orderFacts;
		facts.severity = host.decoration?.severity;
		facts.traffic = this.records[base + Field.bytesIn]! + this.records[base + Field.bytesOut]!;
		facts.peers = this.peers.peerCount(host.slot);
		facts.packetRate = this.lastSecond(host.slot, Field.previousPackets, Field.secondPackets, nowSecond);
		facts.lastSeen = this.records[base + Field.lastSeen]!;
		return facts;
	}

	/** `second`: the capture second of `timestampMicros`. */
	private count(slot: number, wireBytes: number, timestampMicros: number, second: number): void {
		const records = this.records;
		const base = slot * stride;
		records[base + Field.packets]++;
		if (timestampMicros > records[base + Field.lastSeen]!) records[base + Field.lastSeen] = timestampMicros;
		const rateSecond = records[base + Field.rateSecond]!;
		if (second > rateSecond) {
			const adjacent = second === rateSecond + 1;
			records[base + Field.previousPackets] = adjacent ? records[base + Field.secondPackets]! : 0;
			records[base + Field.previousBytes] = adjacent ? records[base + Field.secondBytes]! : 0;
			records[base + Field.secondPackets] = 0;
			records[base + Field.secondBytes] = 0;
			records[base + Field.rateSecond] = second;
		}
		records[base + Field.secondPackets]++;
		records[base + Field.secondBytes] += wireBytes;
	}

	/** Counts a new flow for both its hosts and links it to their peer tallies. */
	private flowCreated(flow: Flow, senderIsClient: boolean): void {
		const source = this.lastSource;
		const destination = this.lastDestination;
		this.records[destination * stride + Field.flows]++;
		// Only a cap of one host can have evicted the sender to make room for the receiver.
		if (source < 0) return;
		if (destination !== source) this.records[source * stride + Field.flows]++;
		const sourceTally = this.tallyOf(source, destination);
		const destinationTally = this.tallyOf(destination, source);
		const clientTally = senderIsClient ? sourceTally : destinationTally;
		const serverTally = senderIsClient ? destinationTally : sourceTally;
		flow.clientTally = clientTally;
		flow.clientTallyGeneration = clientTally < 0 ? 0 : this.peers.generation(clientTally);
		flow.serverTally = serverTally;
		flow.serverTallyGeneration = serverTally < 0 ? 0 : this.peers.generation(serverTally);
	}

	/** The host's tally of the peer with one more flow counted, or -1 (see PeerBook.countFlow). */
	private tallyOf(hostSlot: number, peerSlot: number): number {
		const records = this.records;
		const peerBase = peerSlot * stride;
		// As 32-bit integers, so they stay small integers rather than boxed doubles.
		const peerHash = records[peerBase + Field.hash]! | 0;
		const peerVersion = records[peerBase + Field.ipVersion]! | 0;
		return this.peers.countFlow(hostSlot, peerHash, peerVersion, records, peerBase + Field.w0, records[peerBase + Field.internal] === 1, this.peerCap);
	}

	private slotOf(address: string): number {
		const v4 = parseIpv4(address);
		if (v4 !== undefined) {
			this.lookupWords[0] = v4;
			return this.lookup(this.lookupWords, 4);
		}
		const v6 = parseIpv6(address);
		if (v6 === undefined) return -1;
		this.lookupWords.set(v6);
		return this.lookup(this.lookupWords, 6);
	}

	/** The slot holding this address, or -1. */
	private lookup(words: Uint32Array, ipVersion: number): number {
		const hash = addressHash(words, ipVersion) & 0x7fffffff;
		const index = this.index;
		const records = this.records;
		for (let at = index.start(hash); ; at = index.next(at)) {
			const slot = index.slotAt(at);
			if (slot < 0) return -1;
			if (index.hashAt(at) !== hash) continue;
			const base = slot * stride;
			const address = base + Field.w0;
			if (records[base + Field.ipVersion] !== ipVersion || records[address] !== words[0]) continue;
			if (ipVersion !== 6 || (records[address + 1] === words[1] && records[address + 2] === words[2] && records[address + 3] === words[3])) return slot;
		}
	}

	/** `slot` when it still holds the host of that generation, else the host found or added by address. */
	private hostAt(slot: number, generation: number, words: Uint32Array, ipVersion: number, timestampMicros: number): number {
		if (slot < 0 || this.records[slot * stride + Field.generation] !== generation) return this.hostFor(words, ipVersion, timestampMicros);
		this.records[slot * stride + Field.touched] = ++this.touches;
		return slot;
	}

	private hostFor(words: Uint32Array, ipVersion: number, timestampMicros: number): number {
		const slot = this.lookup(words, ipVersion);
		if (slot < 0) return this.add(words, ipVersion, timestampMicros);
		this.records[slot * stride + Field.touched] = ++this.touches;
		return slot;
	}

	private add(words: Uint32Array, ipVersion: number, timestampMicros: number): number {
		let slot: number;
		if (this.size >= this.hostCap) slot = this.evictOldest();
		else {
			slot = this.size;
			this.ensureCapacity(slot + 1);
		}
		let host = this.handles[slot];
		if (host === undefined) {
			host = new Host(slot);
			this.handles[slot] = host;
		} else {
			host.reset();
		}
		const hash = addressHash(words, ipVersion) & 0x7fffffff;
		const records = this.records;
		const base = slot * stride;
		const generation = records[base + Field.generation]! + 1;
		records.fill(0, base, base + stride);
		records[base + Field.generation] = generation;
		records[base + Field.w0] = words[0]!;
		if (ipVersion === 6) {
			records[base + Field.w0 + 1] = words[1]!;
			records[base + Field.w0 + 2] = words[2]!;
			records[base + Field.w0 + 3] = words[3]!;
		}
		records[base + Field.ipVersion] = ipVersion;
		records[base + Field.internal] = this.homeNet.containsWords(words, ipVersion) ? 1 : 0;
		records[base + Field.hash] = hash;
		records[base + Field.firstSeen] = timestampMicros;
		records[base + Field.lastSeen] = timestampMicros;
		records[base + Field.rateSecond] = Math.floor(timestampMicros / microsPerSecond);
		const touched = ++this.touches;
		records[base + Field.touched] = touched;
		this.index.insert(hash, slot);
		this.recency.insert(slot, touched);
		return slot;
	}

	/** Drops the least recently seen host and returns its slot for reuse. */
	private evictOldest(): number {
		const slot = this.recency.oldest(this.lastTouchOf);
		this.recency.removeOldest();
		this.index.remove(this.records[slot * stride + Field.hash]! | 0, slot);
		this.peers.dropHost(slot);
		if (slot === this.lastSource) this.lastSource = -1;
		if (slot === this.lastDestination) this.lastDestination = -1;
		this.evicted++;
		return slot;
	}

	private ensureCapacity(slots: number): void {
		const capacity = this.records.length / stride;
		if (slots <= capacity) return;
		const grown = nextCapacity(capacity, slots, this.hostCap);
		this.records = grownFloat64Array(this.records, grown * stride);
		this.peers.growHosts(grown);
	}
}

/** A view's filter as it is matched: case and surrounding blanks do not count. */
export function hostFilterText(filter: string): string {
	return filter.trim().toLowerCase();
}

/** `filter` as `hostFilterText` gives it: part of the address, the name, a protocol or a role. */
export function matchesHostFilter(address: string, decoration: HostDecoration, filter: string): boolean {
	if (address.includes(filter)) return true;
	if (decoration.name !== undefined && decoration.name.toLowerCase().includes(filter)) return true;
	return decoration.protocols.some((protocol) => protocol.includes(filter)) || decoration.roles.some((role) => role.includes(filter));
}

export function setSortKeys(target: SortKeys, sort: HostSortKey, facts: HostOrderFacts): void {
	switch (sort) {
		case 'severity':
			target.sortKey = facts.severity === undefined ? -1 : severities.indexOf(facts.severity);
			target.sortTie = facts.traffic;
			return;
		case 'traffic':
			target.sortKey = facts.traffic;
			target.sortTie = 0;
			return;
		case 'address':
			target.sortKey = 0;
			target.sortTie = 0;
			return;
		case 'peers':
			target.sortKey = facts.peers;
			target.sortTie = facts.traffic;
			return;
		case 'packetRate':
			target.sortKey = facts.packetRate;
			target.sortTie = facts.traffic;
			return;
		case 'lastSeen':
			target.sortKey = facts.lastSeen;
			target.sortTie = 0;
			return;
	}
}

/** Negative when `left` comes first; 0 leaves the order to the addresses (`compareAddressWords`). */
export function compareSortKeys(left: SortKeys, right: SortKeys): number {
	return right.sortKey - left.sortKey || right.sortTie - left.sortTie;
}

/** Orders by IP version, then by the four address words at each offset (IPv4: the first, the rest 0). */
export function compareAddressWords(leftVersion: number, leftWords: ArrayLike<number>, leftOffset: number, rightVersion: number, rightWords: ArrayLike<number>, rightOffset: number): number {
	const versions = leftVersion - rightVersion;
	if (versions !== 0) return versions;
	for (let word = 0; word < 4; word++) {
		const difference = leftWords[leftOffset + word]! - rightWords[rightOffset + word]!;
		if (difference !== 0) return difference;
	}
	return 0;
}

function compareAddress(records: Float64Array, left: number, right: number): number {
	const leftBase = left * stride;
	const rightBase = right * stride;
	return compareAddressWords(records[leftBase + Field.ipVersion]!, records, leftBase + Field.w0, records[rightBase + Field.ipVersion]!, records, rightBase + Field.w0);
}

type CompareHosts = (left: Host, right: Host) => number;

/**
 * The first `count` hosts in order, through a bounded heap whose root is the worst kept host:
 * O(n log count) instead of sorting the whole table for a window of a few dozen rows.
 */
function selectTop(hosts: Host[], count: number, compare: CompareHosts): Host[] {
	if (count <= 0) return [];
	if (count * 4 >= hosts.length) return hosts.slice().sort(compare).slice(0, count);
	const heap: Host[] = [];
	for (const host of hosts) {
		if (heap.length < count) {
			heap.push(host);
			siftUp(heap, heap.length - 1, compare);
		} else if (compare(host, heap[0]!) < 0) {
			heap[0] = host;
			siftDown(heap, compare);
		}
	}
	return heap.sort(compare);
}

function siftUp(heap: Host[], index: number, compare: CompareHosts): void {
	const host = heap[index]!;
	while (index > 0) {
		const parent = (index - 1) >> 1;
		if (compare(heap[parent]!, host) >= 0) break;
		heap[index] = heap[parent]!;
		index = parent;
	}
	heap[index] = host;
}

function siftDown(heap: Host[], compare: CompareHosts): void {
	const host = heap[0]!;
	let index = 0;
	for (;;) {
		let worst = index * 2 + 1;
		if (worst >= heap.length) break;
		const right = worst + 1;
		if (right < heap.length && compare(heap[right]!, heap[worst]!) > 0) worst = right;
		if (compare(heap[worst]!, host) <= 0) break;
		heap[index] = heap[worst]!;
		index = worst;
	}
	heap[index] = host;
}
