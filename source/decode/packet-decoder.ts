// Decodes one captured packet into the caller's reusable DecodedPacket; never throws, never allocates.
import type {PacketRecord} from './packet-record.js';
import {decodeStatus, type DecodeStatus, type DecodedPacket} from './decoded-packet.js';
import {findNetworkLayer} from './link-layer.js';
import {decodeNetworkLayer} from './network-layer.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {malformed: statusMalformed} = decodeStatus;

export function decodePacket(record: PacketRecord, packet: DecodedPacket): DecodeStatus {
	const data = record.data;
	packet.reset(data);
	const start = record.offset;
	const end = Math.min(start + record.capturedLength, data.length);
	if (start < 0 || end <= start) return statusMalformed;
	const network = findNetworkLayer(record.linkType, data, start, end, packet);
	if (network < 0) return -network as DecodeStatus;
	return decodeNetworkLayer(data, network, end, packet);
}
