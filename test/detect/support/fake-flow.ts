// A FlowView driven by hand: tests append bytes to either direction (in order, in pieces, or out of
// order) and the flow keeps the reassembled streams and flight sizes the way the flow table would.
import type {Flight, FlowView, Side} from '../../../source/flows/flow-view.js';
import type {ProtocolFamily} from '../../../source/model/messages.js';
import {parseIpv4} from '../../../source/decode/ip-address-text.js';

export interface FakeFlowOptions {
	transport?: 'tcp' | 'udp';
	client?: string;
	server?: string;
	clientPort?: number;
	serverPort?: number;
	sawSyn?: boolean;
	/** Capture time of the first packet, µs since the epoch. */
	startMicros?: number;
}

let nextId = 1;

export class FakeFlow implements FlowView {
	readonly id = nextId++;
	readonly transport: 'tcp' | 'udp';
	readonly clientAddress: string;
	readonly serverAddress: string;
	readonly clientPort: number;
	readonly serverPort: number;
	readonly sawSyn: boolean;
	readonly firstSeenMicros: number;
	lastSeenMicros: number;
	readonly flights: Flight[] = [];
	classified = false;
	family: ProtocolFamily = 'other';
	activeDetectors = 0;
	settledReaders = 0;
	private readonly streams: Record<Side, Uint8Array> = {client: new Uint8Array(0), server: new Uint8Array(0)};
	private readonly counts: Record<Side, number> = {client: 0, server: 0};

	constructor(options: FakeFlowOptions = {}) {
		this.transport = options.transport ?? 'tcp';
		this.clientAddress = options.client ?? '10.0.0.5';
		this.serverAddress = options.server ?? '203.0.113.7';
		this.clientPort = options.clientPort ?? 50_000;
		this.serverPort = options.serverPort ?? 3333;
		this.sawSyn = options.sawSyn ?? true;
		this.firstSeenMicros = options.startMicros ?? Date.UTC(2024, 0, 1) * 1000;
		this.lastSeenMicros = this.firstSeenMicros;
	}

	ipv4(side: Side): number {
		return parseIpv4(side === 'client' ? this.clientAddress : this.serverAddress) ?? -1;
	}

	packets(side: Side): number {
		return this.counts[side];
	}

	bytes(side: Side): number {
		return this.streams[side].length;
	}

	stream(side: Side): Uint8Array {
		return this.streams[side];
	}

	/** Appends in-order payload to `side`, as one TCP flight (or the tail of the current one). */
	append(side: Side, bytes: Uint8Array | string, advanceMicros = 1000): void {
		const chunk = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
		const joined = new Uint8Array(this.streams[side].length + chunk.length);
		joined.set(this.streams[side]);
		joined.set(chunk, this.streams[side].length);
		this.streams[side] = joined;
		this.counts[side]++;
		this.lastSeenMicros += advanceMicros;
		const last = this.flights[this.flights.length - 1];
		if (last?.side === side) last.bytes += chunk.length;
		else if (this.flights.length < 8) this.flights.push({side, bytes: chunk.length});
	}
}
