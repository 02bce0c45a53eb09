// Bidirectional flows keyed by a numeric 5-tuple hash, expired by idle time in capture time and
// evicted least-recently-seen when full; TCP payload is reassembled while detection still wants it.
import type {FlowRow} from '../model/messages.js';
import type {FlowObserver, Side} from './flow-view.js';
import {ipProtocols, tcpFlags, type DecodedPacket} from '../decode/decoded-packet.js';
import {formatIpv4, formatIpv6} from '../decode/ip-address-text.js';
import {flowHash} from './endpoint-hash.js';
import {Flow} from './flow.js';
import {LruList} from './lru-list.js';

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
	/** Live flows kept at most; the least recently seen is evicted beyond it. */
	flowCap?: number;
	/** Reassembled TCP payload kept per direction. */
	payloadBytes?: number;
	timeouts?: Partial<FlowTimeouts>;
}

const timeoutClasses = {tcp: 0, tcpClosed: 1, udp: 2, other: 3} as const;

export class FlowTable {
	/** Flows created so far. */
	created = 0;
	evicted = 0;
	/** The flow the last `packet` call created, else undefined. */
	createdFlow: Flow | undefined;
	private readonly observer: FlowObserver;
	private readonly flowCap: number;
	private readonly payloadBytes: number;
	private readonly timeoutMicros: number[];
	private readonly buckets = new Map<number, Flow>();
	/** One list per timeout class, so each list's oldest entry is the next to expire. */
	private readonly lists = [new LruList<Flow>(), new LruList<Flow>(), new LruList<Flow>(), new LruList<Flow>()];
	private nowMicros = 0;

	constructor(options: FlowTableOptions) {
		this.observer = options.observer;
		this.flowCap = Math.max(1, options.flowCap ?? 100_000);
		this.payloadBytes = Math.max(0, options.payloadBytes ?? 16_384);
		const timeouts = {...defaultFlowTimeouts, ...options.timeouts};
		this.timeoutMicros = [timeouts.tcp, timeouts.tcpClosed, timeouts.udp, timeouts.other].map((seconds) => seconds * 1e6);
	}

	get active(): number {
		return this.lists[0]!.size + this.lists[1]!.size + this.lists[2]!.size + this.lists[3]!.size;
	}

	/** Accounts one decoded packet that is not a non-first fragment; returns its flow. */
	packet(packet: DecodedPacket, wireLength: number, timestampMicros: number): Flow {
		this.advance(timestampMicros);
		this.createdFlow = undefined;
		const {source, destination, ipVersion, protocol} = packet;
		const sourcePort = packet.hasPorts ? packet.sourcePort : 0;
		const destinationPort = packet.hasPorts ? packet.destinationPort : 0;
		const hash = flowHash(source, sourcePort, destination, destinationPort, ipVersion, protocol);
		let flow = this.buckets.get(hash);
		while (flow !== undefined && !flow.matches(ipVersion, protocol, source, sourcePort, destination, destinationPort)) flow = flow.nextInBucket;
		const isTcp = protocol === ipProtocols.tcp && packet.hasPorts;
		const opening = isTcp && (packet.flags & (tcpFlags.syn | tcpFlags.ack)) === tcpFlags.syn;
		if (flow !== undefined && opening && flow.ended) {
			// The ports are being reused for a new connection.
			this.end(flow);
			flow = undefined;
		}
		if (flow === undefined) {
			flow = this.create(packet, sourcePort, destinationPort, hash, timestampMicros);
			this.createdFlow = flow;
		}
		const side: Side = flow.isFromClient(source, sourcePort) ? 'client' : 'server';
		if (side === 'client') {
			flow.clientPackets++;
			flow.clientBytes += wireLength;
		} else {
			flow.serverPackets++;
			flow.serverBytes += wireLength;
		}
		if (timestampMicros > flow.lastSeenMicros) flow.lastSeenMicros = timestampMicros;
		if (isTcp) flow.noteTcpFlags(side, packet.flags);
		this.lists[this.timeoutClassOf(flow)]!.touch(flow);
		if (this.createdFlow !== undefined && flow.observed) this.observer.flowStarted(flow);
		if (isTcp) this.trackStream(flow, side, packet);
		else if (protocol === ipProtocols.udp && packet.hasPorts && !flow.classified) {
			this.observer.datagram(flow, side, packet.data.subarray(packet.payloadOffset, packet.payloadOffset + packet.payloadLength));
		}
		return flow;
	}

	/** Moves capture time forward (also without packets, for a quiet live link) and ends idle flows. */
	advance(timestampMicros: number): void {
		if (timestampMicros <= this.nowMicros) return;
		this.nowMicros = timestampMicros;
		for (let index = 0; index < this.lists.length; index++) {
			const list = this.lists[index]!;
			const deadline = timestampMicros - this.timeoutMicros[index]!;
			while (list.oldest !== undefined && list.oldest.lastSeenMicros <= deadline) this.end(list.oldest);
		}
	}

	/** Ends every flow (end of capture). */
	flush(): void {
		for (const list of this.lists) while (list.oldest !== undefined) this.end(list.oldest);
	}

	/** The live flows of one host (as client or server), most recently seen first. */
	flowsOf(address: string, limit: number): FlowRow[] {
		const found: Flow[] = [];
		for (const list of this.lists) {
			for (let flow = list.newest; flow !== undefined; flow = flow.older) {
				if (flow.clientAddress === address || flow.serverAddress === address) found.push(flow);
			}
		}
		found.sort((left, right) => right.lastSeenMicros - left.lastSeenMicros);
		return found.slice(0, Math.max(0, limit)).map(flowRow);
	}

	private create(packet: DecodedPacket, sourcePort: number, destinationPort: number, hash: number, timestampMicros: number): Flow {
		if (this.active >= this.flowCap) {
			const oldest = this.leastRecentlySeen();
			if (oldest !== undefined) {
				this.end(oldest);
				this.evicted++;
			}
		}
		const flow = new Flow(++this.created, packet.ipVersion, packet.protocol, this.payloadBytes);
		// The SYN sender is the client; a SYN-ACK seen first means its receiver is.
		const synFlags = packet.flags & (tcpFlags.syn | tcpFlags.ack);
		const isTcp = packet.protocol === ipProtocols.tcp && packet.hasPorts;
		const senderIsServer = isTcp && synFlags === (tcpFlags.syn | tcpFlags.ack);
		flow.sawSyn = isTcp && (packet.flags & tcpFlags.syn) !== 0;
		if (isTcp) flow.tcpState = flow.sawSyn ? 'syn' : 'established';
		const client = senderIsServer ? packet.destination : packet.source;
		const server = senderIsServer ? packet.source : packet.destination;
		flow.clientWords.set(client);
		flow.serverWords.set(server);
		flow.clientPort = senderIsServer ? destinationPort : sourcePort;
		flow.serverPort = senderIsServer ? sourcePort : destinationPort;
		flow.clientAddress = addressText(client, packet.ipVersion);
		flow.serverAddress = addressText(server, packet.ipVersion);
		flow.firstSeenMicros = timestampMicros;
		flow.lastSeenMicros = timestampMicros;
		flow.hash = hash;
		flow.nextInBucket = this.buckets.get(hash);
		this.buckets.set(hash, flow);
		return flow;
	}

	private trackStream(flow: Flow, side: Side, packet: DecodedPacket): void {
		if (flow.classified) {
			flow.releaseStreams();
			return;
		}
		const stream = side === 'client' ? flow.clientStream! : flow.serverStream!;
		const syn = (packet.flags & tcpFlags.syn) !== 0;
		if (syn) stream.anchorAtSyn(packet.sequence);
		if (packet.payloadLength === 0) return;
		// The SYN itself takes one sequence number, so data riding on it (TCP Fast Open) starts after.
		const sequence = syn ? (packet.sequence + 1) >>> 0 : packet.sequence;
		const grown = stream.add(sequence, packet.data, packet.payloadOffset, packet.payloadLength);
		if (grown === 0) return;
		flow.noteFlight(side, grown);
		this.observer.streamGrew(flow, side);
	}

	private timeoutClassOf(flow: Flow): number {
		switch (flow.protocol) {
			case ipProtocols.tcp:
				return flow.ended ? timeoutClasses.tcpClosed : timeoutClasses.tcp;
			case ipProtocols.udp:
				return timeoutClasses.udp;
			default:
				return timeoutClasses.other;
		}
	}

	private leastRecentlySeen(): Flow | undefined {
		let oldest: Flow | undefined;
		for (const list of this.lists) {
			if (list.oldest !== undefined && (oldest === undefined || list.oldest.lastSeenMicros < oldest.lastSeenMicros)) oldest = list.oldest;
		}
		return oldest;
	}

	private end(flow: Flow): void {
		flow.list?.remove(flow);
		this.unlink(flow);
		if (flow.observed) this.observer.flowEnded(flow);
		flow.releaseStreams();
	}

	private unlink(flow: Flow): void {
		const head = this.buckets.get(flow.hash);
		if (head === flow) {
			if (flow.nextInBucket === undefined) this.buckets.delete(flow.hash);
			else this.buckets.set(flow.hash, flow.nextInBucket);
		} else {
			let previous = head;
			while (previous !== undefined && previous.nextInBucket !== flow) previous = previous.nextInBucket;
			if (previous !== undefined) previous.nextInBucket = flow.nextInBucket;
		}
		flow.nextInBucket = undefined;
	}
}

function addressText(words: Uint32Array, ipVersion: number): string {
	return ipVersion === 6 ? formatIpv6(words[0]!, words[1]!, words[2]!, words[3]!) : formatIpv4(words[0]!);
}

function flowRow(flow: Flow): FlowRow {
	const protocol: FlowRow['protocol'] =
		flow.protocol === ipProtocols.tcp ? 'tcp'
		: flow.protocol === ipProtocols.udp ? 'udp'
		: flow.protocol === ipProtocols.icmp || flow.protocol === ipProtocols.icmpv6 ? 'icmp'
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
