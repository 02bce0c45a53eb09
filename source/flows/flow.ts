// One tracked flow: the FlowView the detection engine sees, plus the links the flow table needs.
import type {ProtocolFamily} from '../model/messages.js';
import type {Flight, FlowView, Side} from './flow-view.js';
import {ipProtocols, tcpFlags} from '../decode/decoded-packet.js';
import type {LruEntry, LruList} from './lru-list.js';
import type {PeerTally} from './peer-tally.js';
import {TcpStream} from './tcp-stream.js';

export type TcpState = 'syn' | 'established' | 'fin' | 'closed' | 'reset';

export const maxFlights = 8;

export class Flow implements FlowView, LruEntry<Flow> {
	readonly clientWords = new Uint32Array(4);
	readonly serverWords = new Uint32Array(4);
	clientAddress = '';
	serverAddress = '';
	clientPort = 0;
	serverPort = 0;
	sawSyn = false;
	firstSeenMicros = 0;
	lastSeenMicros = 0;
	classified = false;
	family: ProtocolFamily = 'other';
	readonly flights: Flight[] = [];
	/** Empty for flows that are not TCP. */
	tcpState: TcpState | '' = '';
	clientPackets = 0;
	serverPackets = 0;
	clientBytes = 0;
	serverBytes = 0;
	readonly clientStream: TcpStream | undefined;
	readonly serverStream: TcpStream | undefined;
	/** The client host's tally of the server, and the server host's tally of the client. */
	clientPeerTally: PeerTally | undefined;
	serverPeerTally: PeerTally | undefined;

	hash = 0;
	nextInBucket: Flow | undefined;
	newer: Flow | undefined;
	older: Flow | undefined;
	list: LruList<Flow> | undefined;

	private clientFin = false;
	private serverFin = false;
	private flightsClosed = false;

	constructor(
		readonly id: number,
		readonly ipVersion: number,
		/** The IP protocol number. */
		readonly protocol: number,
		payloadCap: number,
	) {
		if (protocol === ipProtocols.tcp) {
			this.clientStream = new TcpStream(payloadCap);
			this.serverStream = new TcpStream(payloadCap);
		}
	}

	/** Observers only ever see TCP and UDP flows; other protocols are tracked for accounting only. */
	get transport(): 'tcp' | 'udp' {
		return this.protocol === ipProtocols.tcp ? 'tcp' : 'udp';
	}

	get observed(): boolean {
		return this.protocol === ipProtocols.tcp || this.protocol === ipProtocols.udp;
	}

	get ended(): boolean {
		return this.tcpState === 'closed' || this.tcpState === 'reset';
	}

	packets(side: Side): number {
		return side === 'client' ? this.clientPackets : this.serverPackets;
	}

	bytes(side: Side): number {
		return side === 'client' ? this.clientBytes : this.serverBytes;
	}

	stream(side: Side): Uint8Array {
		const stream = side === 'client' ? this.clientStream : this.serverStream;
		return stream === undefined ? emptyStream : stream.bytes();
	}

	/** True when the packet's source is this flow's client (words compared up to the IP version's width). */
	isFromClient(source: Uint32Array, sourcePort: number): boolean {
		if (sourcePort !== this.clientPort) return false;
		const words = this.ipVersion === 6 ? 4 : 1;
		for (let word = 0; word < words; word++) if (source[word] !== this.clientWords[word]) return false;
		return true;
	}

	/** Whether this flow is the one between these endpoints, in either direction. */
	matches(ipVersion: number, protocol: number, source: Uint32Array, sourcePort: number, destination: Uint32Array, destinationPort: number): boolean {
		if (ipVersion !== this.ipVersion || protocol !== this.protocol) return false;
		const words = ipVersion === 6 ? 4 : 1;
		if (sourcePort === this.clientPort && destinationPort === this.serverPort && sameWords(source, this.clientWords, words) && sameWords(destination, this.serverWords, words)) return true;
		return sourcePort === this.serverPort && destinationPort === this.clientPort && sameWords(source, this.serverWords, words) && sameWords(destination, this.clientWords, words);
	}

	noteTcpFlags(side: Side, flags: number): void {
		if ((flags & tcpFlags.rst) !== 0) {
			this.tcpState = 'reset';
			return;
		}
		if (this.ended) return;
		if ((flags & tcpFlags.fin) !== 0) {
			if (side === 'client') this.clientFin = true;
			else this.serverFin = true;
			this.tcpState = this.clientFin && this.serverFin ? 'closed' : 'fin';
			return;
		}
		if (this.tcpState === 'syn' && (flags & (tcpFlags.syn | tcpFlags.ack)) === tcpFlags.ack) this.tcpState = 'established';
	}

	noteFlight(side: Side, bytes: number): void {
		if (this.flightsClosed) return;
		const last = this.flights[this.flights.length - 1];
		if (last !== undefined && last.side === side) {
			last.bytes += bytes;
			return;
		}
		if (this.flights.length === maxFlights) {
			this.flightsClosed = true;
			return;
		}
		this.flights.push({side, bytes});
	}

	releaseStreams(): void {
		this.clientStream?.release();
		this.serverStream?.release();
	}
}

const emptyStream = new Uint8Array(0);

function sameWords(left: Uint32Array, right: Uint32Array, count: number): boolean {
	for (let word = 0; word < count; word++) if (left[word] !== right[word]) return false;
	return true;
}
