// IPv4 / IPv6 (with extension headers) and the TCP / UDP / ICMP headers above them.
import {readInt32, readUint16} from './byte-reads.js';
import {decodeStatus, ipProtocols, type DecodeStatus, type DecodedPacket} from './decoded-packet.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {ip: statusIp, malformed: statusMalformed, nonFirstFragment: statusNonFirstFragment, notIp: statusNotIp} = decodeStatus;
const {tcp: protocolTcp, udp: protocolUdp} = ipProtocols;

const enum Ipv6Header {
	hopByHop = 0,
	routing = 43,
	fragment = 44,
	authentication = 51,
	destinationOptions = 60,
	mobility = 135,
	hostIdentity = 139,
	shim6 = 140,
}

/** Decodes the IP packet starting at `position`; `packet.ipVersion` is the link layer's claim (0: none). */
export function decodeNetworkLayer(data: Uint8Array, position: number, end: number, packet: DecodedPacket): DecodeStatus {
	if (end - position < 1) return statusMalformed;
	const version = data[position]! >>> 4;
	if (packet.ipVersion !== 0 && packet.ipVersion !== version) return statusMalformed;
	if (version === 4) return ipv4(data, position, end, packet);
	if (version === 6) return ipv6(data, position, end, packet);
	return packet.ipVersion === 0 ? statusNotIp : statusMalformed;
}

function ipv4(data: Uint8Array, position: number, end: number, packet: DecodedPacket): DecodeStatus {
	if (end - position < 20) return statusMalformed;
	const headerLength = (data[position]! & 0x0f) * 4;
	if (headerLength < 20 || headerLength > end - position) return statusMalformed;
	const totalLength = readUint16(data, position + 2);
	// A zero total length is what segmentation offload leaves in locally captured packets.
	if (totalLength !== 0 && totalLength < headerLength) return statusMalformed;
	const ipEnd = totalLength === 0 ? end : Math.min(position + totalLength, end);
	packet.ipVersion = 4;
	packet.protocol = data[position + 9]!;
	packet.source[0] = readInt32(data, position + 12);
	packet.destination[0] = readInt32(data, position + 16);
	if ((readUint16(data, position + 6) & 0x1fff) !== 0) return statusNonFirstFragment;
	return transport(data, position + headerLength, ipEnd, packet);
}

function ipv6(data: Uint8Array, position: number, end: number, packet: DecodedPacket): DecodeStatus {
	if (end - position < 40) return statusMalformed;
	const payloadLength = readUint16(data, position + 4);
	// Zero means a jumbogram (or offload): the capture bounds the packet.
	const ipEnd = payloadLength === 0 ? end : Math.min(position + 40 + payloadLength, end);
	packet.ipVersion = 6;
	for (let word = 0; word < 4; word++) {
		packet.source[word] = readInt32(data, position + 8 + word * 4);
		packet.destination[word] = readInt32(data, position + 24 + word * 4);
	}
	let next = data[position + 6]!;
	let header = position + 40;
	for (;;) {
		switch (next) {
			case Ipv6Header.hopByHop:
			case Ipv6Header.routing:
			case Ipv6Header.destinationOptions:
			case Ipv6Header.mobility:
			case Ipv6Header.hostIdentity:
			case Ipv6Header.shim6: {
				if (ipEnd - header < 8) return statusMalformed;
				next = data[header]!;
				header += (data[header + 1]! + 1) * 8;
				if (header > ipEnd) return statusMalformed;
				continue;
			}
			case Ipv6Header.authentication: {
				if (ipEnd - header < 8) return statusMalformed;
				next = data[header]!;
				header += (data[header + 1]! + 2) * 4;
				if (header > ipEnd) return statusMalformed;
				continue;
			}
			case Ipv6Header.fragment: {
				if (ipEnd - header < 8) return statusMalformed;
				next = data[header]!;
				const fragmentOffset = readUint16(data, header + 2) & 0xfff8;
				header += 8;
				if (fragmentOffset !== 0) {
					packet.protocol = next;
					return statusNonFirstFragment;
				}
				continue;
			}
			default:
				packet.protocol = next;
				return transport(data, header, ipEnd, packet);
		}
	}
}

function transport(data: Uint8Array, header: number, ipEnd: number, packet: DecodedPacket): DecodeStatus {
	const available = ipEnd - header;
	switch (packet.protocol) {
		case protocolTcp: {
			if (available < 20) return statusMalformed;
			const headerLength = (data[header + 12]! >>> 4) * 4;
			if (headerLength < 20 || headerLength > available) return statusMalformed;
			packet.hasPorts = true;
			packet.sourcePort = readUint16(data, header);
			packet.destinationPort = readUint16(data, header + 2);
			packet.sequence = readInt32(data, header + 4) >>> 0;
			packet.acknowledgment = readInt32(data, header + 8) >>> 0;
			packet.flags = data[header + 13]!;
			packet.payloadOffset = header + headerLength;
			packet.payloadLength = available - headerLength;
			return statusIp;
		}
		case protocolUdp: {
			if (available < 8) return statusMalformed;
			const udpLength = readUint16(data, header + 4);
			if (udpLength !== 0 && udpLength < 8) return statusMalformed;
			packet.hasPorts = true;
			packet.sourcePort = readUint16(data, header);
			packet.destinationPort = readUint16(data, header + 2);
			packet.payloadOffset = header + 8;
			packet.payloadLength = (udpLength === 0 ? available : Math.min(udpLength, available)) - 8;
			return statusIp;
		}
		default:
			packet.payloadOffset = header;
			packet.payloadLength = available;
			return statusIp;
	}
}
