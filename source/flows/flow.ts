// One tracked flow: the FlowView the detection engine sees, plus what the flow table needs.
// A new object per flow (observers may hold on to it), so it is kept small and cheap to make:
// addresses as small integers with their text made on first use (IPv6's extra words apart), and
// reassembly buffers and flights made only once a flow has payload that detection still wants:
// a flow's first payload is shown straight from the packet, and copied only if detection is not
// done with the flow after seeing it (most flows are settled by their first payload).
import type {ProtocolFamily} from '../model/messages.js';
import type {Flight, FlowView, Side} from './flow-view.js';
import {ipProtocols, tcpFlags} from '../decode/decoded-packet.js';
import {formatIpv4, formatIpv6} from '../decode/ip-address-text.js';
import {TcpStream} from './tcp-stream.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {tcp: protocolTcp, udp: protocolUdp} = ipProtocols;
const {ack: flagAck, fin: flagFin, rst: flagRst, syn: flagSyn} = tcpFlags;

export type TcpState = 'syn' | 'established' | 'fin' | 'closed' | 'reset';

export const maxFlights = 8;

const noFlights: readonly Flight[] = Object.freeze([]);
const clientFin = 1;
const serverFin = 2;
const streamsReleased = 4;
/** The first payload being shown came from the server. */
const firstPayloadFromServer = 8;

/**
 * The flights of a flow while its first payload is shown from the packet: that one flight. Shared by
 * all flows (one is shown at a time), so like `stream` it describes the flow only during the call.
 */
const firstFlight: Flight = {side: 'client', bytes: 0};
const firstFlights: readonly Flight[] = [firstFlight];

/** What a flow keeps only while detection reads its payload. */
class FlowPayload {
	clientStream: TcpStream | undefined = undefined;
	serverStream: TcpStream | undefined = undefined;
	readonly flights: Flight[] = [];
	flightsClosed = false;
}
const emptyStream = new Uint8Array(0);

export class Flow implements FlowView {
	sawSyn = false;
	firstSeenMicros = 0;
	lastSeenMicros = 0;
	classified = false;
	family: ProtocolFamily = 'other';
	activeDetectors = 0;
	settledReaders = 0;
	/** Empty for flows that are not TCP. */
	tcpState: TcpState | '' = '';
	clientPackets = 0;
	serverPackets = 0;
	clientBytes = 0;
	serverBytes = 0;
	/** The client host's peer tally of the server, and the server host's of the client (PeerBook numbers, -1: none). */
	clientTally = -1;
	clientTallyGeneration = 0;
	serverTally = -1;
	serverTallyGeneration = 0;
	/** Wire bytes of this flow already added to its peer tallies. */
	settledBytes = 0;
	/** The host table slots of the client and server hosts, valid while their generations match. */
	clientHost = -1;
	clientHostGeneration = 0;
	serverHost = -1;
	serverHostGeneration = 0;
	/** The flow table's slot while the flow is live, else -1. */
	slot = -1;
	hash = 0;

	/** The first address words as the decoder gives them, kept as signed 32-bit numbers (small integers). */
	private readonly c0: number;
	private readonly s0: number;
	/** IPv6 only: the client's and the server's other three words. */
	private readonly wideWords: Int32Array | undefined;
	private clientText: string | undefined = undefined;
	private serverText: string | undefined = undefined;
	private payload: FlowPayload | undefined = undefined;
	/** The flow's first payload while the observer looks at it, a view of the packet. */
	private firstPayload: Uint8Array | undefined = undefined;
	/** FIN seen from the client, from the server; streams released. */
	private marks = 0;

	constructor(
		readonly id: number,
		readonly ipVersion: number,
		/** The IP protocol number. */
		readonly protocol: number,
		client: Uint32Array,
		readonly clientPort: number,
		server: Uint32Array,
		readonly serverPort: number,
	) {
		this.c0 = client[0]! | 0;
		this.s0 = server[0]! | 0;
		this.wideWords = ipVersion === 6 ? Int32Array.of(client[1]!, client[2]!, client[3]!, server[1]!, server[2]!, server[3]!) : undefined;
	}

	get clientAddress(): string {
		const wide = this.wideWords;
		this.clientText ??= wide !== undefined
			? formatIpv6(this.c0 >>> 0, wide[0]! >>> 0, wide[1]! >>> 0, wide[2]! >>> 0)
			: formatIpv4(this.c0 >>> 0);
		return this.clientText;
	}

	get serverAddress(): string {
		const wide = this.wideWords;
		this.serverText ??= wide !== undefined
			? formatIpv6(this.s0 >>> 0, wide[3]! >>> 0, wide[4]! >>> 0, wide[5]! >>> 0)
			: formatIpv4(this.s0 >>> 0);
		return this.serverText;
	}

	ipv4(side: Side): number {
		if (this.wideWords !== undefined) return -1;
		return (side === 'client' ? this.c0 : this.s0) >>> 0;
	}

	/** Observers only ever see TCP and UDP flows; other protocols are tracked for accounting only. */
	get transport(): 'tcp' | 'udp' {
		return this.protocol === protocolTcp ? 'tcp' : 'udp';
	}

	get observed(): boolean {
		return this.protocol === protocolTcp || this.protocol === protocolUdp;
	}

	/** Detection is done with the payload: the flow is settled and no detector reads it on. */
	get payloadDone(): boolean {
		return this.classified && this.settledReaders === 0;
	}

	get ended(): boolean {
		return this.tcpState === 'closed' || this.tcpState === 'reset';
	}

	get flights(): readonly Flight[] {
		return this.payload?.flights ?? (this.firstPayload === undefined ? noFlights : firstFlights);
	}

	packets(side: Side): number {
		return side === 'client' ? this.clientPackets : this.serverPackets;
	}

	bytes(side: Side): number {
		return side === 'client' ? this.clientBytes : this.serverBytes;
	}

	stream(side: Side): Uint8Array {
		const first = this.firstPayload;
		if (first !== undefined) return side === this.firstPayloadSide ? first : emptyStream;
		const stream = side === 'client' ? this.payload?.clientStream : this.payload?.serverStream;
		return stream === undefined ? emptyStream : stream.bytes();
	}

	/** No payload from either side has been kept or shown yet (and the streams are not released). */
	get awaitsFirstPayload(): boolean {
		return this.payload === undefined && (this.marks & streamsReleased) === 0;
	}

	/** Shows the flow's first payload (in order from the stream's start) until `keepFirstPayload`. */
	showFirstPayload(side: Side, bytes: Uint8Array): void {
		this.firstPayload = bytes;
		if (side === 'server') this.marks |= firstPayloadFromServer;
		firstFlight.side = side;
		firstFlight.bytes = bytes.length;
	}

	/**
	 * The observer has seen the first payload: unless that settled the flow, its side's stream starts
	 * with a copy of it (at `sequence`, the payload's first sequence number), as if added normally.
	 */
	keepFirstPayload(sequence: number, payloadCap: number): void {
		const bytes = this.firstPayload;
		const side = this.firstPayloadSide;
		this.firstPayload = undefined;
		this.marks &= ~firstPayloadFromServer;
		if (bytes === undefined || this.payloadDone) return;
		const stream = this.streamOf(side, payloadCap);
		if (stream === undefined) return;
		stream.add(sequence, bytes, 0, bytes.length);
		this.noteFlight(side, bytes.length);
	}

	/** The reassembly of one side if it was made and not released. */
	existingStream(side: Side): TcpStream | undefined {
		if ((this.marks & streamsReleased) !== 0) return undefined;
		return side === 'client' ? this.payload?.clientStream : this.payload?.serverStream;
	}

	/** The reassembly of one side, made on first use; undefined once the streams were released. */
	streamOf(side: Side, payloadCap: number): TcpStream | undefined {
		if ((this.marks & streamsReleased) !== 0) return undefined;
		const payload = this.payload ??= new FlowPayload();
		if (side === 'client') return payload.clientStream ??= new TcpStream(payloadCap);
		return payload.serverStream ??= new TcpStream(payloadCap);
	}

	private get firstPayloadSide(): Side {
		return (this.marks & firstPayloadFromServer) !== 0 ? 'server' : 'client';
	}

	/** True when the packet's source is this flow's client. */
	isFromClient(source: Uint32Array, sourcePort: number): boolean {
		return sourcePort === this.clientPort && this.isClient(source);
	}

	/** Whether this flow is the one between these endpoints, in either direction. */
	matches(ipVersion: number, protocol: number, source: Uint32Array, sourcePort: number, destination: Uint32Array, destinationPort: number): boolean {
		if (ipVersion !== this.ipVersion || protocol !== this.protocol) return false;
		if (sourcePort === this.clientPort && destinationPort === this.serverPort && this.isClient(source) && this.isServer(destination)) return true;
		return sourcePort === this.serverPort && destinationPort === this.clientPort && this.isServer(source) && this.isClient(destination);
	}

	/** Whether `words` (the decoder's form, this flow's IP version) is the client or the server address. */
	hasEndpoint(words: Uint32Array): boolean {
		return this.isClient(words) || this.isServer(words);
	}

	noteTcpFlags(side: Side, flags: number): void {
		if ((flags & flagRst) !== 0) {
			this.tcpState = 'reset';
			return;
		}
		if (this.ended) return;
		if ((flags & flagFin) !== 0) {
			this.marks |= side === 'client' ? clientFin : serverFin;
			this.tcpState = (this.marks & (clientFin | serverFin)) === (clientFin | serverFin) ? 'closed' : 'fin';
			return;
		}
		if (this.tcpState === 'syn' && (flags & (flagSyn | flagAck)) === flagAck) this.tcpState = 'established';
	}

	noteFlight(side: Side, bytes: number): void {
		const payload = this.payload ??= new FlowPayload();
		if (payload.flightsClosed) return;
		const flights = payload.flights;
		const last = flights[flights.length - 1];
		if (last !== undefined && last.side === side) {
			last.bytes += bytes;
			return;
		}
		if (flights.length === maxFlights) {
			payload.flightsClosed = true;
			return;
		}
		flights.push({side, bytes});
	}

	releaseStreams(): void {
		if ((this.marks & streamsReleased) !== 0) return;
		this.marks |= streamsReleased;
		this.payload?.clientStream?.release();
		this.payload?.serverStream?.release();
	}

	private isClient(words: Uint32Array): boolean {
		if ((words[0]! | 0) !== this.c0) return false;
		const wide = this.wideWords;
		return wide === undefined || ((words[1]! | 0) === wide[0] && (words[2]! | 0) === wide[1] && (words[3]! | 0) === wide[2]);
	}

	private isServer(words: Uint32Array): boolean {
		if ((words[0]! | 0) !== this.s0) return false;
		const wide = this.wideWords;
		return wide === undefined || ((words[1]! | 0) === wide[3] && (words[2]! | 0) === wide[4] && (words[3]! | 0) === wide[5]);
	}
}
