// Byte-order-aware integer reads for the capture formats, whose headers say which order they use.

export function readUint16(bytes: Uint8Array, offset: number, bigEndian: boolean): number {
	return bigEndian ? (bytes[offset]! << 8) | bytes[offset + 1]! : bytes[offset]! | (bytes[offset + 1]! << 8);
}

export function readUint32(bytes: Uint8Array, offset: number, bigEndian: boolean): number {
	return bigEndian
		? ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0
		: (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** A signed 64-bit integer as a number (exact up to 2^53). */
export function readInt64(bytes: Uint8Array, offset: number, bigEndian: boolean): number {
	const high = readUint32(bytes, bigEndian ? offset : offset + 4, bigEndian);
	const low = readUint32(bytes, bigEndian ? offset + 4 : offset, bigEndian);
	const signedHigh = high >= 0x80000000 ? high - 0x100000000 : high;
	return signedHigh * 0x100000000 + low;
}
