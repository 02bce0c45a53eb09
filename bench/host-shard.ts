// Which of `count` shards a packet would go to if the replay were split across threads by host:
// the hash of the flow's internal address (the home-network side), of the lower address when both
// or neither side is internal, so every packet of a flow and every flow of an internal host land in
// the same shard. Packets without addresses go to shard 0. Bench only: what the split would cost
// and gain, before anything of it is built (shards here share no facts, so the figures are a ceiling).
import {DecodedPacket, decodeStatus} from '../source/decode/decoded-packet.js';
import {decodePacket} from '../source/decode/packet-decoder.js';
import type {PacketRecord} from '../source/decode/packet-record.js';
import type {CidrSet} from '../source/flows/cidr-set.js';

export class HostShards {
	private readonly probe = new DecodedPacket();

	constructor(private readonly homeNet: CidrSet, readonly count: number) {}

	shardOf(record: PacketRecord): number {
		const packet = this.probe;
		const status = decodePacket(record, packet);
		if (status !== decodeStatus.ip && status !== decodeStatus.nonFirstFragment) return 0;
		const {source, destination, ipVersion} = packet;
		const sourceInside = this.homeNet.containsWords(source, ipVersion);
		const destinationInside = this.homeNet.containsWords(destination, ipVersion);
		const sourceKey = foldAddress(source, ipVersion);
		const destinationKey = foldAddress(destination, ipVersion);
		const key = sourceInside === destinationInside ? Math.min(sourceKey, destinationKey) : sourceInside ? sourceKey : destinationKey;
		return mix(key) % this.count;
	}
}

function foldAddress(words: Uint32Array, ipVersion: number): number {
	return (ipVersion === 6 ? words[0]! ^ words[1]! ^ words[2]! ^ words[3]! : words[0]!) >>> 0;
}

/** A 32-bit integer finalizer, so neighbouring addresses spread over the shards. */
function mix(value: number): number {
	const spread = Math.imul(value ^ (value >>> 16), 0x45d9f3b);
	return (spread ^ (spread >>> 16)) >>> 0;
}
