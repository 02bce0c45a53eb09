// Finds where the IP header starts for each supported link type.
import {readUint16} from './byte-reads.js';
import {decodeStatus, type DecodedPacket} from './decoded-packet.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {malformed: statusMalformed, notIp: statusNotIp, unsupportedLinkType: statusUnsupportedLinkType} = decodeStatus;

const enum EtherType {
	ipv4 = 0x0800,
	ipv6 = 0x86dd,
	vlan = 0x8100,
	providerBridge = 0x88a8,
	legacyQinQ = 0x9100,
	pppoeSession = 0x8864,
	mplsUnicast = 0x8847,
	mplsMulticast = 0x8848,
}

const enum PppProtocol {ipv4 = 0x0021, ipv6 = 0x0057}

const enum AddressFamily {inet = 2, inet6Bsd = 24, inet6FreeBsd = 28, inet6Darwin = 30}

const maxStackedHeaders = 8;

/**
 * The offset of the IP header, with `packet.ipVersion` set to the version the link layer announced
 * (0 when it leaves that to the IP header); or a negative `decodeStatus` value when there is no IP.
 */
export function findNetworkLayer(linkType: number, data: Uint8Array, offset: number, end: number, packet: DecodedPacket): number {
	switch (linkType) {
		case 1:
			return ethernet(data, offset, end, packet);
		case 113:
			if (end - offset < 16) return -statusMalformed;
			return etherType(readUint16(data, offset + 14), data, offset + 16, end, packet);
		case 276:
			if (end - offset < 20) return -statusMalformed;
			return etherType(readUint16(data, offset), data, offset + 20, end, packet);
		case 0:
		case 108:
			return bsdLoopback(data, offset, end, packet);
		case 101:
		case 12:
		case 14:
			packet.ipVersion = 0;
			return offset;
		case 228:
			packet.ipVersion = 4;
			return offset;
		case 229:
			packet.ipVersion = 6;
			return offset;
		case 9:
		case 50:
			return ppp(data, offset, end, packet);
		default:
			return -statusUnsupportedLinkType;
	}
}

function ethernet(data: Uint8Array, offset: number, end: number, packet: DecodedPacket): number {
	if (end - offset < 14) return -statusMalformed;
	let type = readUint16(data, offset + 12);
	let position = offset + 14;
	for (let tags = 0; type === EtherType.vlan || type === EtherType.providerBridge || type === EtherType.legacyQinQ; tags++) {
		if (tags === maxStackedHeaders || end - position < 4) return -statusMalformed;
		type = readUint16(data, position + 2);
		position += 4;
	}
	return etherType(type, data, position, end, packet);
}

function etherType(type: number, data: Uint8Array, position: number, end: number, packet: DecodedPacket): number {
	switch (type) {
		case EtherType.ipv4:
			packet.ipVersion = 4;
			return position;
		case EtherType.ipv6:
			packet.ipVersion = 6;
			return position;
		case EtherType.pppoeSession:
			if (end - position < 8) return -statusMalformed;
			return pppProtocol(readUint16(data, position + 6), position + 8, packet);
		case EtherType.mplsUnicast:
		case EtherType.mplsMulticast:
			return mpls(data, position, end, packet);
		default:
			return -statusNotIp;
	}
}

function mpls(data: Uint8Array, position: number, end: number, packet: DecodedPacket): number {
	for (let labels = 0; labels < maxStackedHeaders; labels++) {
		if (end - position < 4) return -statusMalformed;
		const bottomOfStack = (data[position + 2]! & 0x01) !== 0;
		position += 4;
		if (bottomOfStack) {
			// MPLS does not say what it carries; IP is recognised by its version nibble.
			packet.ipVersion = 0;
			return position;
		}
	}
	return -statusMalformed;
}

function bsdLoopback(data: Uint8Array, offset: number, end: number, packet: DecodedPacket): number {
	if (end - offset < 4) return -statusMalformed;
	// DLT_NULL stores the family in the capturing host's byte order, DLT_LOOP in network order;
	// files travel between hosts, so both orders are accepted for both.
	const bigEndian = data[offset]! * 0x1000000 + ((data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!);
	const littleEndian = data[offset + 3]! * 0x1000000 + ((data[offset + 2]! << 16) | (data[offset + 1]! << 8) | data[offset]!);
	const family = bigEndian < 0x10000 ? bigEndian : littleEndian;
	if (family === AddressFamily.inet) {
		packet.ipVersion = 4;
		return offset + 4;
	}
	if (family === AddressFamily.inet6Bsd || family === AddressFamily.inet6FreeBsd || family === AddressFamily.inet6Darwin) {
		packet.ipVersion = 6;
		return offset + 4;
	}
	return -statusNotIp;
}

function ppp(data: Uint8Array, offset: number, end: number, packet: DecodedPacket): number {
	let position = offset;
	if (end - position >= 2 && data[position] === 0xff && data[position + 1] === 0x03) position += 2;
	if (end - position < 1) return -statusMalformed;
	// Protocol-field compression: an odd first byte is a one-byte protocol number.
	if ((data[position]! & 0x01) === 1) return pppProtocol(data[position]!, position + 1, packet);
	if (end - position < 2) return -statusMalformed;
	return pppProtocol(readUint16(data, position), position + 2, packet);
}

function pppProtocol(protocol: number, position: number, packet: DecodedPacket): number {
	if (protocol === PppProtocol.ipv4) {
		packet.ipVersion = 4;
		return position;
	}
	if (protocol === PppProtocol.ipv6) {
		packet.ipVersion = 6;
		return position;
	}
	return -statusNotIp;
}
