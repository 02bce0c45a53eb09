// One captured packet as the readers hand it on. A reader reuses a single record object and the
// bytes it points at, so `data` is valid only until the reader moves to the next packet.
export interface PacketRecord {
	/** A LINKTYPE_* value (tcpdump.org/linktypes.html), per interface for pcapng. */
	linkType: number;
	/** Capture time in microseconds since the epoch (if_tsoffset and if_tsresol applied). */
	timestampMicros: number;
	data: Uint8Array;
	offset: number;
	capturedLength: number;
	originalLength: number;
}

export const linkTypes = {
	null: 0,
	ethernet: 1,
	raw: 101,
	loop: 108,
	linuxSll: 113,
	ipv4: 228,
	ipv6: 229,
	linuxSll2: 276,
} as const;
