// The seam between flow tracking and detection: what the flow table exposes about one flow,
// and the observer it calls as flows start, carry payload and end.
import type {ProtocolFamily} from '../model/messages.js';

export type Side = 'client' | 'server';

export interface Flight {
	side: Side;
	bytes: number;
}

/** One bidirectional flow, oriented client → server (SYN sender, else the first packet's sender). */
export interface FlowView {
	readonly id: number;
	readonly transport: 'tcp' | 'udp';
	readonly clientAddress: string;
	readonly serverAddress: string;
	readonly clientPort: number;
	readonly serverPort: number;
	/** That side's IPv4 address as its 32-bit value, or -1 for IPv6: a key that makes no text. */
	ipv4(side: Side): number;
	/** True when the orientation comes from a SYN, so client and server are certain. */
	readonly sawSyn: boolean;
	/** Capture time in microseconds since the epoch. */
	readonly firstSeenMicros: number;
	readonly lastSeenMicros: number;
	packets(side: Side): number;
	/** Bytes on the wire (original packet length) sent by that side. */
	bytes(side: Side): number;
	/**
	 * TCP only: the in-order payload of that direction from its first byte seen, reassembled across
	 * segments (retransmissions dropped, out-of-order segments placed), up to the payload cap.
	 * The returned view is valid until the next packet; copy what you keep.
	 */
	stream(side: Side): Uint8Array;
	/** TCP only: the sizes of the first few in-order payload flights, alternating sides (at most 8); like `stream`, valid until the next packet. */
	readonly flights: readonly Flight[];
	/** Set by the detection engine: no more payload work for this flow (reassembly stops). */
	classified: boolean;
	/** Set by the detection engine: which sparkline family this flow's traffic counts toward. */
	family: ProtocolFamily;
	/**
	 * Kept by the detection engine: bit i set while its detector i still reads the flow, 0 before the
	 * first look. On the flow, which is at hand on every packet, rather than in a table of its own.
	 */
	activeDetectors: number;
	/**
	 * Kept by the detection engine: bit i set while detector i reads a classified flow on, for facts
	 * about other flows (addresses a Bitcoin node relays); reassembly goes on while any bit is set.
	 */
	settledReaders: number;
}

/** Implemented by the detection engine; the flow table calls it and knows nothing else of detection. */
export interface FlowObserver {
	/** A flow was created (its first packet is being processed). */
	flowStarted(flow: FlowView): void;
	/** TCP: the in-order stream of `side` grew; only while the flow is not classified or has settled readers. */
	streamGrew(flow: FlowView, side: Side): void;
	/** UDP: one datagram from `side`; `payload` is valid only during the call. Only while not classified. */
	datagram(flow: FlowView, side: Side, payload: Uint8Array): void;
	/** The flow ended (FIN/RST seen on both sides, idle timeout, eviction or end of capture). */
	flowEnded(flow: FlowView): void;
	/** Capture time moved on to `nowMicros` without a packet (a quiet live link). */
	tick?(nowMicros: number): void;
}
