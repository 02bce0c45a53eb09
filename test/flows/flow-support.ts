// A recording FlowObserver and a small TCP/UDP conversation driver over real packet bytes.
import {DecodedPacket, decodeStatus, ipProtocols} from '../../source/decode/decoded-packet.js';
import {decodePacket} from '../../source/decode/packet-decoder.js';
import type {FlowObserver, FlowView, Side} from '../../source/flows/flow-view.js';
import {ethernet, etherTypes, ipv4, record, tcp, udp} from '../support/packet-bytes.js';
import type {PacketRecord} from '../../source/decode/packet-record.js';

export class RecordingObserver implements FlowObserver {
	readonly started: FlowView[] = [];
	readonly ended: FlowView[] = [];
	readonly grew: Array<{side: Side; stream: string}> = [];
	readonly datagrams: Array<{side: Side; payload: string}> = [];
	readonly ticks: number[] = [];
	/** Marks a flow classified when it returns true after a stream grew or a datagram came. */
	classify: (flow: FlowView) => boolean = () => false;

	flowStarted(flow: FlowView): void {
		this.started.push(flow);
	}

	streamGrew(flow: FlowView, side: Side): void {
		this.grew.push({side, stream: new TextDecoder().decode(flow.stream(side))});
		if (this.classify(flow)) flow.classified = true;
	}

	tick(nowMicros: number): void {
		this.ticks.push(nowMicros);
	}

	datagram(flow: FlowView, side: Side, payload: Uint8Array): void {
		this.datagrams.push({side, payload: new TextDecoder().decode(payload)});
		if (this.classify(flow)) flow.classified = true;
	}

	flowEnded(flow: FlowView): void {
		this.ended.push(flow);
	}
}

export const secondMicros = 1_000_000;
export const startMicros = 1_700_000_000 * secondMicros;

export interface Endpoint {
	address: string;
	port: number;
}

/** Ethernet frames of one TCP conversation between a client and a server endpoint. */
export function tcpFrame(from: Endpoint, to: Endpoint, sequence: number, flags: number, payload = '', acknowledgment = 0): Uint8Array {
	const bytes = new TextEncoder().encode(payload);
	return ethernet(etherTypes.ipv4, ipv4({
		source: from.address,
		destination: to.address,
		protocol: ipProtocols.tcp,
		payload: tcp({sourcePort: from.port, destinationPort: to.port, sequence, acknowledgment, flags, payload: bytes}),
	}));
}

export function udpFrame(from: Endpoint, to: Endpoint, payload: string): Uint8Array {
	return ethernet(etherTypes.ipv4, ipv4({source: from.address, destination: to.address, protocol: ipProtocols.udp, payload: udp(from.port, to.port, new TextEncoder().encode(payload))}));
}

export function icmpEchoFrame(from: string, to: string): Uint8Array {
	return ethernet(etherTypes.ipv4, ipv4({source: from, destination: to, protocol: ipProtocols.icmp, payload: Uint8Array.from([8, 0, 0xf7, 0xfe, 0, 1, 0, 0])}));
}

export function frameRecord(frame: Uint8Array, timestampMicros: number): PacketRecord {
	return record(1, frame, timestampMicros);
}

const decoded = new DecodedPacket();

/** Decodes a frame into the shared DecodedPacket; throws when the test built something undecodable. */
export function decodeFrame(frame: Uint8Array): DecodedPacket {
	const status = decodePacket(record(1, frame), decoded);
	if (status !== decodeStatus.ip) throw new Error(`test frame did not decode (status ${status})`);
	return decoded;
}
