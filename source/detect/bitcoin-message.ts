// Bitcoin v1 message framing: validating a header (magic, command, length, double-SHA-256 checksum)
// and reading the `version` payload.
import {bitcoinCommands, bitcoinNetworks, type BitcoinNetwork} from './bitcoin-networks.js';
import {spells} from './byte-text.js';
import {doubleSha256Prefix} from './sha256.js';

export const headerLength = 24;
/** Pre-0.7 clients sent `version` and `verack` with no checksum field (a 20-byte header). */
const legacyHeaderLength = 20;

export interface BitcoinMessage {
	network: BitcoinNetwork;
	command: string;
	/** Offset of the payload in the buffer. */
	payloadStart: number;
	payloadLength: number;
	/** Offset just past this message. */
	end: number;
}

export type HeaderCheck = BitcoinMessage | 'incomplete' | 'invalid';

export function readU32BE(bytes: Uint8Array, offset: number): number {
	return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function readU32LE(bytes: Uint8Array, offset: number): number {
	return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** The checksum of an empty payload (verack, getaddr, mempool...): no need to hash nothing. */
const emptyChecksum = 0x5df6e0e2;

/** 1 at the first byte of each known magic: a scan tests this before reading four bytes. */
const magicFirstBytes = new Uint8Array(256);
/** For each byte value, bit i set when it is byte i (0 first) of a known magic: a scan can probe every fourth byte. */
export const magicBytePositions = new Uint8Array(256);
for (const magic of bitcoinNetworks.keys()) {
	magicFirstBytes[magic >>> 24] = 1;
	for (let index = 0; index < 4; index++) magicBytePositions[(magic >>> (24 - 8 * index)) & 0xff]! |= 1 << index;
}

/** True when the four bytes at `offset` are a known network magic (cheap pre-check for scanning). */
export function isMagicAt(bytes: Uint8Array, offset: number): boolean {
	return magicFirstBytes[bytes[offset]!] === 1 && offset + 4 <= bytes.length && bitcoinNetworks.has(readU32BE(bytes, offset));
}

/**
 * The message at `offset` if its header is sound and its checksum matches (or, for the legacy
 * checksum-less `version`/`verack`, if the payload's structure fits its length exactly).
 */
export function checkMessage(bytes: Uint8Array, offset: number): HeaderCheck {
	if (bytes.length - offset < 4) return 'incomplete';
	const network = bitcoinNetworks.get(readU32BE(bytes, offset));
	if (network === undefined) return 'invalid';
	if (bytes.length - offset < legacyHeaderLength) return 'incomplete';
	const command = readCommand(bytes, offset + 4);
	if (command === undefined) return 'invalid';
	const payloadLength = readU32LE(bytes, offset + 16);
	if (payloadLength > network.maxPayload) return 'invalid';
	if (command === 'verack' && payloadLength === 0 && !checksumFollows(bytes, offset)) {
		return {network, command, payloadStart: offset + legacyHeaderLength, payloadLength: 0, end: offset + legacyHeaderLength};
	}
	const payloadStart = offset + headerLength;
	const end = payloadStart + payloadLength;
	if (bytes.length < end) {
		const legacy = command === 'version' ? checkLegacyVersion(bytes, offset, network, payloadLength) : 'invalid';
		return legacy === 'invalid' ? 'incomplete' : legacy;
	}
	if (checksumMatches(bytes, offset + legacyHeaderLength, payloadStart, end)) return {network, command, payloadStart, payloadLength, end};
	return command === 'version' ? checkLegacyVersion(bytes, offset, network, payloadLength) : 'invalid';
}

/** An empty verack is followed by its checksum `5d f6 e0 e2` unless it is the legacy form. */
function checksumFollows(bytes: Uint8Array, offset: number): boolean {
	const at = offset + legacyHeaderLength;
	return bytes.length < at + 4 || readU32BE(bytes, at) === emptyChecksum;
}

function checkLegacyVersion(bytes: Uint8Array, offset: number, network: BitcoinNetwork, payloadLength: number): HeaderCheck {
	const payloadStart = offset + legacyHeaderLength;
	const end = payloadStart + payloadLength;
	if (bytes.length < end) return 'incomplete';
	const version = parseVersion(bytes, payloadStart, end);
	if (version === undefined || version.protocolVersion >= 70_000) return 'invalid';
	return {network, command: 'version', payloadStart, payloadLength, end};
}

/** The known commands by their first byte, matched in place: no string is made per message. */
const commandsByFirstByte = new Map<number, string[]>();
for (const command of bitcoinCommands) {
	const first = command.charCodeAt(0);
	commandsByFirstByte.set(first, [...(commandsByFirstByte.get(first) ?? []), command]);
}

function readCommand(bytes: Uint8Array, offset: number): string | undefined {
	let end = offset;
	while (end < offset + 12 && bytes[end] !== 0) {
		const byte = bytes[end]!;
		if (byte < 0x21 || byte > 0x7e) return undefined;
		end++;
	}
	if (end === offset) return undefined;
	for (let index = end; index < offset + 12; index++) if (bytes[index] !== 0) return undefined;
	for (const command of commandsByFirstByte.get(bytes[offset]!) ?? []) {
		if (spells(bytes, offset, end, command)) return command;
	}
	return undefined;
}

function checksumMatches(bytes: Uint8Array, checksumAt: number, start: number, end: number): boolean {
	const expected = readU32BE(bytes, checksumAt);
	if (start === end) return expected === emptyChecksum;
	return doubleSha256Prefix(bytes, start, end) === expected;
}

export interface VersionInfo {
	protocolVersion: number;
	/** The services field's low 32 bits, where every service bit with a name is. */
	servicesLow: number;
	/** Raw user agent bytes (sanitize before display). */
	userAgent: Uint8Array;
	startHeight: number;
}

/**
 * The fields of a `version` payload, or undefined unless its structure fills [start, end) exactly
 * (with or without the trailing relay byte) and its timestamp is plausible.
 */
export function parseVersion(bytes: Uint8Array, start: number, end: number): VersionInfo | undefined {
	// version 4, services 8, timestamp 8, addr_recv 26, addr_from 26, nonce 8 = 80 bytes before the user agent
	if (end - start < 85) return undefined;
	const protocolVersion = readU32LE(bytes, start);
	if (protocolVersion < 106 || protocolVersion > 1_000_000) return undefined;
	const servicesLow = readU32LE(bytes, start + 4);
	const timestamp = readU32LE(bytes, start + 12) + readU32LE(bytes, start + 16) * 2 ** 32;
	if (timestamp < 1_230_768_000 || timestamp > 4_102_444_800) return undefined;
	let at = start + 80;
	const uaLength = readVarInt(bytes, at, end);
	if (uaLength === undefined) return undefined;
	at += uaLength.size;
	if (uaLength.value > 256 || at + uaLength.value + 4 > end) return undefined;
	const userAgent = bytes.subarray(at, at + uaLength.value);
	at += uaLength.value;
	const startHeight = readU32LE(bytes, at) | 0;
	at += 4;
	if (end - at > 1) return undefined;
	return {protocolVersion, servicesLow, userAgent, startHeight};
}

/** A CompactSize in [at, end); eight-byte values lose precision past 2^53, far beyond any length a check accepts. */
export function readVarInt(bytes: Uint8Array, at: number, end: number): {value: number; size: number} | undefined {
	if (at >= end) return undefined;
	const first = bytes[at]!;
	if (first < 0xfd) return {value: first, size: 1};
	if (first === 0xfd) return at + 3 <= end ? {value: bytes[at + 1]! | (bytes[at + 2]! << 8), size: 3} : undefined;
	if (first === 0xfe) return at + 5 <= end ? {value: readU32LE(bytes, at + 1), size: 5} : undefined;
	return at + 9 <= end ? {value: readU32LE(bytes, at + 1) + readU32LE(bytes, at + 5) * 2 ** 32, size: 9} : undefined;
}
