// Big-endian reads straight from the captured bytes: no DataView per packet.
// Both return values that fit a small integer, so a call that is not inlined boxes nothing.

export function readUint16(data: Uint8Array, offset: number): number {
	return (data[offset]! << 8) | data[offset + 1]!;
}

/** The 32 bits as a signed number: store it in a Uint32Array as is, or take `>>> 0` for the unsigned value. */
export function readInt32(data: Uint8Array, offset: number): number {
	return (data[offset]! << 24) | (data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!;
}
