// Bidirectional flows keyed by a numeric 5-tuple hash, expired by idle time in capture time and
// evicted least-recently-seen when full; TCP payload is reassembled while detection still wants it.
// Each live flow holds a slot: the hash index and the per-slot times and touch numbers are typed
// arrays, so finding and touching a flow allocates nothing and links no objects together; one
// RecencyOrder per timeout class orders the flows by their last touch for expiry and eviction.
import type {FlowRow} from '../model/messages.js';
import type {FlowObserver, Side} from './flow-view.js';
import {ipProtocols, tcpFlags, type DecodedPacket} from '../decode/decoded-packet.js';
import {parseIpv4, parseIpv6} from '../decode/ip-address-text.js';
import {flowHash} from './endpoint-hash.js';
import {Flow} from './flow.js';
import {SlotIndex} from './slot-index.js';
import {RecencyOrder} from './recency-order.js';
import {grownFloat64Array, grownInt32Array, nextCapacity} from './typed-growth.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {icmp: protocolIcmp, icmpv6: protocolIcmpv6, tcp: protocolTcp, udp: protocolUdp} = ipProtocols;
const {ack: flagAck, syn: flagSyn} = tcpFlags;

/** Idle timeouts in seconds of capture time. */
export interface FlowTimeouts {
	/** TCP before it closes (handshake, established, half closed). */
	tcp: number;
	/** TCP after FIN from both sides or RST: kept briefly for the last ACKs and retransmissions. */
	tcpClosed: number;
	udp: number;
	other: number;
}

export const defaultFlowTimeouts: FlowTimeouts = {tcp: 300, tcpClosed: 10, udp: 60, other: 60};

export interface FlowTableOptions {
	observer: FlowObserver;
	/** Called for every flow as it ends (also the ones observers never see), before the observer. */
	flowEnding?: (flow: Flow) => void;
	/** Live flows kept at most; the least recently seen is evicted beyond it. */
	flowCap?: number;
	/** Reassembled TCP payload kept per direction. */
	payloadBytes?: number;
	timeouts?: Partial<FlowTimeouts>;
}

const enum TimeoutClass {tcp = 0, tcpClosed = 1, udp = 2, other = 3}
const timeoutClassCount = 4;

/** Flows tracked at once unless `--flow-cap` says otherwise. */
export const defaultFlowCap = 100_000;

export class FlowTable {
	/** Flows created so far. */
	created = 0;
	evicted = 0;
	/** The flow the last `packet` call created, else undefined. */
	createdFlow: Flow | undefined;
	/** Whether the last `packet` call's packet came from its flow's client. */
	lastFromClient = false;
	private readonly observer: FlowObserver;
	private readonly flowEnding: ((flow: Flow) => void) | undefined;
	private readonly flowCap: number;
	private readonly payloadBytes: number;
	private readonly timeoutMicros: number[];
	/** Live flows by slot; the index finds a slot from the 5-tuple hash. */
	private readonly bySlot: Array<Flow | undefined> = [];
	private readonly freeSlots: number[] = [];
	private readonly index = new SlotIndex();
	/** One recency order per timeout class, so each one's least recently touched flow is the next to expire. */
	private readonly orders: RecencyOrder[];
	/** Per slot, the flow's last-seen time: the idle checks read the oldest flows' times here, not from cold flow objects. */
	private seenAt: Float64Array;
	/** Per slot, the number of the flow's last touch, and of its first in its current timeout class (Infinity: no flow). */
	private touchOf: Float64Array;
	private placedAt: Float64Array;
	/** Per slot, the flow's timeout class (-1: none yet). */
	private classOf: Int32Array;
	/** Touches so far: each packet's flow gets the next number. */
	private touches = 0;
	/**
	 * Per slot, the client's and the server's SYN sequence numbers (NaN: no SYN seen), where their
	 * streams start: kept here so a SYN makes no reassembly objects before any payload arrives.
	 */
	private synSequences: Float64Array;
	/**
	 * Per class, no later than when its least recently touched flow idles out (a touch since only
	 * delays it); and the earliest of those, so most packets skip the idle check.
	 */
	private readonly expiries = new Float64Array(timeoutClassCount).fill(Number.POSITIVE_INFINITY);
	private nextExpiryMicros = Number.POSITIVE_INFINITY;
	private nowMicros = 0;

	constructor(options: FlowTableOptions) {
		this.observer = options.observer;
		this.flowEnding = options.flowEnding;
		this.flowCap = Math.max(1, options.flowCap ?? defaultFlowCap);
		this.payloadBytes = Math.max(0, options.payloadBytes ?? 16_384);
		const timeouts = {...defaultFlowTimeouts, ...options.timeouts};
		this.timeoutMicros = [timeouts.tcp, timeouts.tcpClosed, timeouts.udp, timeouts.other].map((seconds) => seconds * 1e6);
		const capacity = nextCapacity(0, 1, this.flowCap);
		this.orders = Array.from({length: timeoutClassCount}, () => new RecencyOrder(capacity));
		this.seenAt = new Float64Array(capacity);
		this.touchOf = new Float64Array(capacity);
		this.placedAt = new Float64Array(capacity).fill(Number.POSITIVE_INFINITY);
		this.classOf = new Int32Array(capacity).fill(-1);
		this.synSequences = new Float64Array(capacity * 2);
	}

	/** An entry counts while its slot's flow has stayed in the class it was placed in (see RecencyOrder). */
	private readonly currentTouch = (slot: number, key: number): number => (key < this.placedAt[slot]! ? -1 : this.touchOf[slot]!);

	get active(): number {
		return this.index.size;
	}

	/** Accounts one decoded packet that is not a non-first fragment; returns its flow. */
	packet(packet: DecodedPacket, wireLength: number, timestampMicros: number): Flow {
		this.advance(timestampMicros);
		this.createdFlow = undefined;
		const {source, destination, ipVersion, protocol} = packet;
		const sourcePort = packet.hasPorts ? packet.sourcePort : 0;
		const destinationPort = packet.hasPorts ? packet.destinationPort : 0;
		const hash = flowHash(source, sourcePort, destination, destinationPort, ipVersion, protocol);
		let flow = this.lookup(hash, ipVersion, protocol, source, sourcePort, destination, destinationPort);
		const isTcp = protocol === protocolTcp && packet.hasPorts;
		const opening = isTcp && (packet.flags & (flagSyn | flagAck)) === flagSyn;
		if (flow !== undefined && opening && flow.ended) {
			// The ports are being reused for a new connection.
			this.end(flow);
			flow = undefined;
		}
		if (flow === undefined) {
			flow = this.create(packet, sourcePort, destinationPort, hash, timestampMicros);
			this.createdFlow = flow;
		}
		const fromClient = flow.isFromClient(source, sourcePort);
		this.lastFromClient = fromClient;
		const side: Side = fromClient ? 'client' : 'server';
		if (fromClient) {
			flow.clientPackets++;
			flow.clientBytes += wireLength;
		} else {
			flow.serverPackets++;
			flow.serverBytes += wireLength;
		}
		if (timestampMicros > flow.lastSeenMicros) flow.lastSeenMicros = timestampMicros;
		if (isTcp) flow.noteTcpFlags(side, packet.flags);
		this.touch(flow);
		if (this.createdFlow !== undefined && flow.observed) this.observer.flowStarted(flow);
		if (isTcp) {
			this.trackStream(flow, side, packet);
			// Closed (FIN both ways) or reset: no payload is coming, so its buffers go back now, not when
			// the flow leaves the table after the closed timeout.
			if (flow.ended) flow.releaseStreams();
		} else if (protocol === protocolUdp && packet.hasPorts && !flow.classified) {
			this.observer.datagram(flow, side, viewOf(packet.data, packet.payloadOffset, packet.payloadLength));
		}
		return flow;
	}

	/** Moves capture time forward (also without packets, for a quiet live link) and ends idle flows. */
	advance(timestampMicros: number): void {
		if (timestampMicros <= this.nowMicros) return;
		this.nowMicros = timestampMicros;
		// A microsecond of margin for rounding in the sum; the recency orders themselves decide.
		if (timestampMicros < this.nextExpiryMicros - 1) return;
		for (let list = 0; list < timeoutClassCount; list++) {
			const deadline = timestampMicros - this.timeoutMicros[list]!;
			const order = this.orders[list]!;
			let slot = order.oldest(this.currentTouch);
			for (; slot >= 0 && this.seenAt[slot]! <= deadline; slot = order.oldest(this.currentTouch)) this.end(this.bySlot[slot]!);
			this.expiries[list] = slot < 0 ? Number.POSITIVE_INFINITY : this.seenAt[slot]! + this.timeoutMicros[list]!;
		}
		const expiries = this.expiries;
		this.nextExpiryMicros = Math.min(expiries[0]!, expiries[1]!, expiries[2]!, expiries[3]!);
	}

	/** Ends every flow (end of capture). */
	flush(): void {
		for (const order of this.orders) {
			for (let slot = order.oldest(this.currentTouch); slot >= 0; slot = order.oldest(this.currentTouch)) this.end(this.bySlot[slot]!);
		}
		this.expiries.fill(Number.POSITIVE_INFINITY);
		this.nextExpiryMicros = Number.POSITIVE_INFINITY;
	}

	forEachLive(visit: (flow: Flow) => void): void {
		for (const flow of this.bySlot) if (flow !== undefined) visit(flow);
	}

	/** The live flows of one host (as client or server): how many there are, and the `limit` most recently seen. */
	flowsOf(address: string, limit: number): {live: number; rows: FlowRow[]} {
		const v4 = parseIpv4(address);
		const v6 = v4 === undefined ? parseIpv6(address) : undefined;
		if (v4 === undefined && v6 === undefined) return {live: 0, rows: []};
		const words = v4 === undefined ? Uint32Array.from(v6!) : Uint32Array.of(v4, 0, 0, 0);
		const ipVersion = v4 === undefined ? 6 : 4;
		const found: Flow[] = [];
		for (const flow of this.bySlot) if (flow !== undefined && flow.ipVersion === ipVersion && flow.hasEndpoint(words)) found.push(flow);
		const touchOf = this.touchOf;
		found.sort((left, right) => right.lastSeenMicros - left.lastSeenMicros || touchOf[right.slot]! - touchOf[left.slot]!);
		return {live: found.length, rows: found.slice(0, Math.max(0, limit)).map(flowRow)};
	}

	private lookup(hash: number, ipVersion: number, protocol: number, source: Uint32Array, sourcePort: number, destination: Uint32Array, destinationPort: number): Flow | undefined {
		const index = this.index;
		for (let at = index.start(hash); ; at = index.next(at)) {
			const slot = index.slotAt(at);
			if (slot < 0) return undefined;
			if (index.hashAt(at) !== hash) continue;
			const flow = this.bySlot[slot]!;
			if (flow.matches(ipVersion, protocol, source, sourcePort, destination, destinationPort)) return flow;
		}
	}

	private create(packet: DecodedPacket, sourcePort: number, destinationPort: number, hash: number, timestampMicros: number): Flow {
		if (this.active >= this.flowCap) {
			const oldest = this.leastRecentlySeen();
			if (oldest !== undefined) {
				this.end(oldest);
				this.evicted++;
			}
		}
		// The SYN sender is the client; a SYN-ACK seen first means its receiver is.
		const synFlags = packet.flags & (flagSyn | flagAck);
		const isTcp = packet.protocol === protocolTcp && packet.hasPorts;
		const senderIsServer = isTcp && synFlags === (flagSyn | flagAck);
		const flow = senderIsServer
			? new Flow(++this.created, packet.ipVersion, packet.protocol, packet.destination, destinationPort, packet.source, sourcePort)
			: new Flow(++this.created, packet.ipVersion, packet.protocol, packet.source, sourcePort, packet.destination, destinationPort);
		flow.sawSyn = isTcp && (packet.flags & flagSyn) !== 0;
		if (isTcp) flow.tcpState = flow.sawSyn ? 'syn' : 'established';
		flow.firstSeenMicros = timestampMicros;
		flow.lastSeenMicros = timestampMicros;
		flow.hash = hash;
		const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.bySlot.length;
		if (slot >= this.seenAt.length) {
			const capacity = nextCapacity(this.seenAt.length, slot + 1, this.flowCap);
			this.seenAt = grownFloat64Array(this.seenAt, capacity);
			this.touchOf = grownFloat64Array(this.touchOf, capacity);
			this.placedAt = grownFloat64Array(this.placedAt, capacity).fill(Number.POSITIVE_INFINITY, this.placedAt.length);
			this.classOf = grownInt32Array(this.classOf, capacity, -1);
			this.synSequences = grownFloat64Array(this.synSequences, capacity * 2);
		}
		this.synSequences[slot * 2] = Number.NaN;
		this.synSequences[slot * 2 + 1] = Number.NaN;
		this.bySlot[slot] = flow;
		flow.slot = slot;
		this.index.insert(hash, slot);
		return flow;
	}

	/** Makes the flow the most recently touched of its timeout class, placing it there when it is new to it. */
	private touch(flow: Flow): void {
		const slot = flow.slot;
		const touch = ++this.touches;
		this.touchOf[slot] = touch;
		this.seenAt[slot] = flow.lastSeenMicros;
		const list = timeoutClassOf(flow);
		if (this.classOf[slot] === list) return;
		// New to the class (a new flow, or one that closed): its entry in the class it left no longer counts.
		this.classOf[slot] = list;
		this.placedAt[slot] = touch;
		const order = this.orders[list]!;
		order.insert(slot, touch);
		// Entries that no longer count wait until they come up; never more than twice the flows.
		if (order.size > 2 * this.active + 64) order.compact(this.currentTouch);
		const expiry = flow.lastSeenMicros + this.timeoutMicros[list]!;
		if (expiry < this.expiries[list]!) {
			this.expiries[list] = expiry;
			if (expiry < this.nextExpiryMicros) this.nextExpiryMicros = expiry;
		}
	}

	private trackStream(flow: Flow, side: Side, packet: DecodedPacket): void {
		if (flow.payloadDone) {
			flow.releaseStreams();
			return;
		}
		const syn = (packet.flags & flagSyn) !== 0;
		if (!syn && packet.payloadLength === 0) return;
		const synAt = flow.slot * 2 + (side === 'client' ? 0 : 1);
		let stream = flow.existingStream(side);
		if (syn) {
			if (stream === undefined) this.synSequences[synAt] = packet.sequence;
			else stream.anchorAtSyn(packet.sequence);
		}
		if (packet.payloadLength === 0) return;
		// The SYN itself takes one sequence number, so data riding on it (TCP Fast Open) starts after.
		const sequence = syn ? (packet.sequence + 1) >>> 0 : packet.sequence;
		if (stream === undefined) {
			const synSequence = this.synSequences[synAt]!;
			const fromStart = Number.isNaN(synSequence) || ((synSequence + 1) >>> 0) === sequence;
			if (fromStart && flow.awaitsFirstPayload) {
				this.showFirstPayload(flow, side, packet, sequence);
				return;
			}
			stream = flow.streamOf(side, this.payloadBytes);
			if (stream === undefined) return;
			if (!Number.isNaN(synSequence)) stream.anchorAtSyn(synSequence);
		}
		const grown = stream.add(sequence, packet.data, packet.payloadOffset, packet.payloadLength);
		if (grown === 0) return;
		flow.noteFlight(side, grown);
		this.observer.streamGrew(flow, side);
		// Settled: its buffers go back for the next flows now, not at its next packet.
		if (flow.payloadDone) flow.releaseStreams();
	}

	/** The flow's first payload, in order: detection reads it in the packet, and it is copied only if still wanted. */
	private showFirstPayload(flow: Flow, side: Side, packet: DecodedPacket, sequence: number): void {
		const length = Math.min(packet.payloadLength, this.payloadBytes);
		if (length === 0) return;
		flow.showFirstPayload(side, viewOf(packet.data, packet.payloadOffset, length));
		this.observer.streamGrew(flow, side);
		flow.keepFirstPayload(sequence, this.payloadBytes);
	}

	private leastRecentlySeen(): Flow | undefined {
		let oldest = -1;
		for (let list = 0; list < timeoutClassCount; list++) {
			const slot = this.orders[list]!.oldest(this.currentTouch);
			if (slot >= 0 && (oldest < 0 || this.seenAt[slot]! < this.seenAt[oldest]!)) oldest = slot;
		}
		return oldest < 0 ? undefined : this.bySlot[oldest];
	}

	private end(flow: Flow): void {
		const slot = flow.slot;
		// Its entry no longer counts; the class's expiry time stays an early bound until the next check.
		this.placedAt[slot] = Number.POSITIVE_INFINITY;
		this.classOf[slot] = -1;
		this.index.remove(flow.hash, slot);
		this.bySlot[slot] = undefined;
		this.freeSlots.push(slot);
		flow.slot = -1;
		this.flowEnding?.(flow);
		if (flow.observed) this.observer.flowEnded(flow);
		flow.releaseStreams();
	}
}

/**
 * A plain Uint8Array over part of a packet. The capture hands Buffers, whose `subarray` runs through
 * Node's wrapper and the FastBuffer constructor: several times the cost of the view itself.
 */
function viewOf(data: Uint8Array, offset: number, length: number): Uint8Array {
	return new Uint8Array(data.buffer, data.byteOffset + offset, length);
}

function timeoutClassOf(flow: Flow): number {
	switch (flow.protocol) {
		case protocolTcp:
			return flow.ended ? TimeoutClass.tcpClosed : TimeoutClass.tcp;
		case protocolUdp:
			return TimeoutClass.udp;
		default:
			return TimeoutClass.other;
	}
}

function flowRow(flow: Flow): FlowRow {
	const protocol: FlowRow['protocol'] =
		flow.protocol === protocolTcp ? 'tcp'
		: flow.protocol === protocolUdp ? 'udp'
		: flow.protocol === protocolIcmp || flow.protocol === protocolIcmpv6 ? 'icmp'
		: 'other';
	return {
		protocol,
		client: flow.clientAddress,
		clientPort: flow.clientPort,
		server: flow.serverAddress,
		serverPort: flow.serverPort,
		packets: flow.clientPackets + flow.serverPackets,
		bytesToServer: flow.clientBytes,
		bytesToClient: flow.serverBytes,
		state: flow.tcpState === '' ? 'active' : flow.tcpState,
		family: flow.family,
		firstSeen: Math.floor(flow.firstSeenMicros / 1000),
		lastSeen: Math.floor(flow.lastSeenMicros / 1000),
	};
}
