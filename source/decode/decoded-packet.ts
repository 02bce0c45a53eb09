// The one reusable result of decoding a packet: numbers and offsets only, so decoding allocates
// nothing. Addresses stay numeric here; text is made only when a flow or host is created.

export const ipProtocols = {
	icmp: 1,
	tcp: 6,
	udp: 17,
	icmpv6: 58,
} as const;

export const tcpFlags = {
	fin: 0x01,
	syn: 0x02,
	rst: 0x04,
	psh: 0x08,
	ack: 0x10,
} as const;

/** What `decodePacket` found; only `ip` and `nonFirstFragment` fill the addresses. */
export const decodeStatus = {
	/** An IP packet; transport fields are set when `hasPorts`. */
	ip: 0,
	/** A frame that carries no IP (ARP, LLDP, spanning tree ...): counted, nothing more. */
	notIp: 1,
	unsupportedLinkType: 2,
	malformed: 3,
	/** A non-first IP fragment: addresses known, ports unknown (never parsed as TCP/UDP). */
	nonFirstFragment: 4,
} as const;
export type DecodeStatus = (typeof decodeStatus)[keyof typeof decodeStatus];

export class DecodedPacket {
	/** 4 or 6. */
	ipVersion = 0;
	/** IPv4 uses word 0 only; IPv6 uses all four words, most significant first. */
	readonly source = new Uint32Array(4);
	readonly destination = new Uint32Array(4);
	/** The upper-layer protocol after IPv6 extension headers (ipProtocols, or any other number). */
	protocol = 0;
	/** True for TCP and UDP packets whose header was decoded. */
	hasPorts = false;
	sourcePort = 0;
	destinationPort = 0;
	/** TCP only. */
	flags = 0;
	/** TCP only: unsigned 32-bit. */
	sequence = 0;
	acknowledgment = 0;
	/** The captured bytes of the packet; payload is `data[payloadOffset, payloadOffset + payloadLength)`. */
	data: Uint8Array = new Uint8Array(0);
	payloadOffset = 0;
	/** Bounded by the IP and UDP lengths and by the captured length, so link padding is never payload. */
	payloadLength = 0;

	reset(data: Uint8Array): void {
		this.data = data;
		this.ipVersion = 0;
		this.protocol = 0;
		this.hasPorts = false;
		this.sourcePort = 0;
		this.destinationPort = 0;
		this.flags = 0;
		this.sequence = 0;
		this.acknowledgment = 0;
		this.payloadOffset = 0;
		this.payloadLength = 0;
	}
}
