// Big-endian reads straight from the captured bytes: no DataView per packet.

export function readUint16(data: Uint8Array, offset: number): number {
	return (data[offset]! << 8) | data[offset + 1]!;
}

export function readUint32(data: Uint8Array, offset: number): number {
	return data[offset]! * 0x1000000 + ((data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!);
}
