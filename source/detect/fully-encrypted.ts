// Whether a connection's first bytes look fully encrypted: the exemption rules the Great Firewall
// applies before treating a first payload as random (Wu et al., USENIX Security 2023). Random
// bytes set 4 bits of 8 on average; text, headers and structured binary do not, and real protocols
// that are not encrypted from byte 0 start with printable text or a known record header.

/** How many of the first bytes are judged: enough for the average to be stable (±0.18 at 1 sd). */
export const judgedBytes = 64;
const minBitsPerByte = 3.4;
const maxBitsPerByte = 4.6;
/** Printable bytes in a row that random data almost never shows (21 in a row: p ≈ 1e-9). */
const maxPrintableRun = 20;
/**
 * At most 40 of 64 printable: random bytes average 23.75 (95/256), so more is 4 sd out, while text
 * and text-based protocols are nearly all printable. (The firewall's own line, half, would turn away
 * one random payload in fifty at 64 bytes.)
 */
const maxPrintable = 40;
const printablePrefix = 6;

const bitsSet = new Uint8Array(256);
for (let value = 1; value < 256; value++) bitsSet[value] = (value & 1) + bitsSet[value >> 1]!;

function isPrintable(byte: number): boolean {
	return byte >= 0x20 && byte <= 0x7e;
}

/**
 * False when what is there of the first bytes already rules encryption out: a printable start or a
 * TLS record header. True for too few bytes to judge otherwise.
 */
export function mayBeFullyEncrypted(bytes: Uint8Array): boolean {
	if (bytes.length >= 2 && bytes[0]! >= 0x14 && bytes[0]! <= 0x17 && bytes[1] === 0x03) return false;
	const prefix = Math.min(bytes.length, printablePrefix);
	for (let index = 0; index < prefix; index++) if (!isPrintable(bytes[index]!)) return true;
	return prefix < printablePrefix;
}

/** The first `judgedBytes` bytes (fewer: false) pass every exemption test: they look random. */
export function looksFullyEncrypted(bytes: Uint8Array): boolean {
	return mayBeFullyEncrypted(bytes) && looksRandom(bytes);
}

/**
 * The first `judgedBytes` bytes (fewer: false) have random data's bits per byte and share of
 * printable bytes. For bytes a protocol's framing already placed (a key behind a header), where a
 * printable start is only chance: one random key in about 170 starts with six printable bytes.
 */
export function looksRandom(bytes: Uint8Array): boolean {
	if (bytes.length < judgedBytes) return false;
	let bits = 0;
	let printable = 0;
	let run = 0;
	for (let index = 0; index < judgedBytes; index++) {
		const byte = bytes[index]!;
		bits += bitsSet[byte]!;
		if (isPrintable(byte)) {
			printable++;
			if (++run > maxPrintableRun) return false;
		} else {
			run = 0;
		}
	}
	const average = bits / judgedBytes;
	return average >= minBitsPerByte && average <= maxBitsPerByte && printable <= maxPrintable;
}
