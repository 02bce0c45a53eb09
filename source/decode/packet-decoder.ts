// Decodes one captured packet into the caller's reusable DecodedPacket; never throws, never allocates.
import type {PacketRecord} from '../capture/packet-record.js';
import {decodeStatus, type DecodeStatus, type DecodedPacket} from './decoded-packet.js';
import {findNetworkLayer} from './link-layer.js';
import {decodeNetworkLayer} from './network-layer.js';

export function decodePacket(record: PacketRecord, packet: DecodedPacket): DecodeStatus {
	const data = record.data;
	packet.reset(data);
	const start = record.offset;
	const end = Math.min(start + record.capturedLength, data.length);
	if (start < 0 || end <= start) return decodeStatus.malformed;
	const network = findNetworkLayer(record.linkType, data, start, end, packet);
	if (network < 0) return -network as DecodeStatus;
	return decodeNetworkLayer(data, network, end, packet);
}
