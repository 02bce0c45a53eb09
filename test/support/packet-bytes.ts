// Builds real packet bytes (Ethernet, VLAN tags, IPv4, IPv6, TCP, UDP) for tests, checksummed where
// the decoder's neighbours (tshark, tcpdump) would look.
import type {PacketRecord} from '../../source/decode/packet-record.js';
import {parseIpv4, parseIpv6} from '../../source/decode/ip-address-text.js';

export function concat(...parts: Uint8Array[]): Uint8Array {
	const total = parts.reduce((sum, part) => sum + part.length, 0);
	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		bytes.set(part, offset);
		offset += part.length;
	}
	return bytes;
}

export function text(value: string): Uint8Array {
	return new TextEncoder().encode(value);
}

function uint16(value: number): number[] {
	return [(value >>> 8) & 0xff, value & 0xff];
}

function uint32(value: number): number[] {
	return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function ipv4Bytes(address: string): number[] {
	const value = parseIpv4(address);
	if (value === undefined) throw new Error(`not an IPv4 address: ${address}`);
	return uint32(value);
}

function ipv6Bytes(address: string): number[] {
	const words = parseIpv6(address);
	if (words === undefined) throw new Error(`not an IPv6 address: ${address}`);
	return words.flatMap(uint32);
}

function internetChecksum(bytes: Uint8Array): number {
	let sum = 0;
	for (let index = 0; index < bytes.length; index += 2) sum += (bytes[index]! << 8) | (bytes[index + 1] ?? 0);
	while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
	return ~sum & 0xffff;
}

export const etherTypes = {ipv4: 0x0800, ipv6: 0x86dd, arp: 0x0806, vlan: 0x8100, qinq: 0x88a8, legacyQinQ: 0x9100} as const;

export function ethernet(etherType: number, payload: Uint8Array, vlanTags: Array<{tpid: number; vid: number}> = []): Uint8Array {
	const header = [0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
	for (const tag of vlanTags) header.push(...uint16(tag.tpid), ...uint16(tag.vid & 0x0fff));
	header.push(...uint16(etherType));
	return concat(Uint8Array.from(header), payload);
}

export interface Ipv4Options {
	source: string;
	destination: string;
	protocol: number;
	payload: Uint8Array;
	/** Raw option bytes, padded here to a multiple of 4. */
	options?: number[];
	/** In 8-byte units. */
	fragmentOffset?: number;
	moreFragments?: boolean;
	identification?: number;
	/** Overrides the total length field (to build malformed packets). */
	totalLength?: number;
}

export function ipv4(options: Ipv4Options): Uint8Array {
	const optionBytes = [...(options.options ?? [])];
	while (optionBytes.length % 4 !== 0) optionBytes.push(0);
	const headerLength = 20 + optionBytes.length;
	const flagsAndOffset = (options.moreFragments ? 0x2000 : 0) | (options.fragmentOffset ?? 0);
	const header = Uint8Array.from([
		0x40 | (headerLength / 4),
		0x00,
		...uint16(options.totalLength ?? headerLength + options.payload.length),
		...uint16(options.identification ?? 0x1c46),
		...uint16(flagsAndOffset),
		64,
		options.protocol,
		0,
		0,
		...ipv4Bytes(options.source),
		...ipv4Bytes(options.destination),
		...optionBytes,
	]);
	const checksum = internetChecksum(header);
	header[10] = checksum >>> 8;
	header[11] = checksum & 0xff;
	return concat(header, options.payload);
}

export interface Ipv6Options {
	source: string;
	destination: string;
	/** The first next-header value (of the first extension header, or the upper layer). */
	nextHeader: number;
	/** Extension headers and upper-layer bytes, already chained. */
	payload: Uint8Array;
}

export function ipv6(options: Ipv6Options): Uint8Array {
	const header = Uint8Array.from([
		0x60, 0x00, 0x00, 0x00,
		...uint16(options.payload.length),
		options.nextHeader,
		64,
		...ipv6Bytes(options.source),
		...ipv6Bytes(options.destination),
	]);
	return concat(header, options.payload);
}

/** A hop-by-hop, routing or destination-options header of `8 * (1 + extraUnits)` bytes. */
export function ipv6OptionsHeader(nextHeader: number, extraUnits = 0): Uint8Array {
	const bytes = new Uint8Array(8 * (1 + extraUnits));
	bytes[0] = nextHeader;
	bytes[1] = extraUnits;
	// PadN over the rest, as real stacks send.
	bytes[2] = 0x01;
	bytes[3] = bytes.length - 4;
	return bytes;
}

export function ipv6FragmentHeader(nextHeader: number, offsetUnits: number, moreFragments: boolean, identification = 0xbeef): Uint8Array {
	return Uint8Array.from([nextHeader, 0, ...uint16((offsetUnits << 3) | (moreFragments ? 1 : 0)), ...uint32(identification)]);
}

export const flags = {fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10} as const;

export interface TcpOptions {
	sourcePort: number;
	destinationPort: number;
	sequence: number;
	acknowledgment?: number;
	flags: number;
	payload?: Uint8Array;
	/** Raw option bytes, padded to a multiple of 4. */
	options?: number[];
}

export function tcp(options: TcpOptions): Uint8Array {
	const optionBytes = [...(options.options ?? [])];
	while (optionBytes.length % 4 !== 0) optionBytes.push(1);
	const headerLength = 20 + optionBytes.length;
	const header = Uint8Array.from([
		...uint16(options.sourcePort),
		...uint16(options.destinationPort),
		...uint32(options.sequence >>> 0),
		...uint32((options.acknowledgment ?? 0) >>> 0),
		(headerLength / 4) << 4,
		options.flags,
		...uint16(64240),
		0, 0,
		0, 0,
		...optionBytes,
	]);
	return concat(header, options.payload ?? new Uint8Array(0));
}

export function udp(sourcePort: number, destinationPort: number, payload: Uint8Array): Uint8Array {
	return concat(Uint8Array.from([...uint16(sourcePort), ...uint16(destinationPort), ...uint16(8 + payload.length), 0, 0]), payload);
}

export function record(linkType: number, bytes: Uint8Array, timestampMicros = 1_700_000_000_000_000, originalLength = bytes.length): PacketRecord {
	return {linkType, timestampMicros, data: bytes, offset: 0, capturedLength: bytes.length, originalLength};
}
