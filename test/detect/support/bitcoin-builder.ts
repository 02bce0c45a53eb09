// Real Bitcoin v1 messages: header with magic, NUL-padded command, length and the double-SHA-256
// checksum, and a `version` payload with the fields a node sends.
import {createHash} from 'node:crypto';

export function bitcoinMessage(magic: number, command: string, payload: Uint8Array, checksumOverride?: Uint8Array): Uint8Array {
	const message = new Uint8Array(24 + payload.length);
	const view = new DataView(message.buffer);
	view.setUint32(0, magic, false);
	message.set(new TextEncoder().encode(command), 4);
	view.setUint32(16, payload.length, true);
	const checksum = checksumOverride ?? sha256d(payload).subarray(0, 4);
	message.set(checksum, 20);
	message.set(payload, 24);
	return message;
}

export function sha256d(bytes: Uint8Array): Uint8Array {
	return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
}

export interface VersionFields {
	protocolVersion?: number;
	services?: bigint;
	userAgent?: string | Uint8Array;
	startHeight?: number;
	timestamp?: number;
}

export function versionPayload(fields: VersionFields = {}): Uint8Array {
	const agent = typeof fields.userAgent === 'string' ? new TextEncoder().encode(fields.userAgent) : fields.userAgent ?? new TextEncoder().encode('/Satoshi:27.0.0/');
	const payload = new Uint8Array(80 + 1 + agent.length + 4 + 1);
	const view = new DataView(payload.buffer);
	view.setUint32(0, fields.protocolVersion ?? 70016, true);
	view.setBigUint64(4, fields.services ?? 0x809n, true);
	view.setBigUint64(12, BigInt(fields.timestamp ?? 1_714_000_000), true);
	// addr_recv and addr_from: services, IPv4-mapped address, port
	payload.set([0xff, 0xff, 203, 0, 113, 7, 0x20, 0x8d], 20 + 8 + 10);
	payload.set([0xff, 0xff, 10, 0, 0, 5, 0x20, 0x8d], 46 + 8 + 10);
	view.setBigUint64(72, 0x1234_5678_9abc_def0n, true);
	payload[80] = agent.length;
	payload.set(agent, 81);
	view.setUint32(81 + agent.length, fields.startHeight ?? 840_000, true);
	payload[85 + agent.length] = 1;
	return payload;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
	const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		joined.set(part, offset);
		offset += part.length;
	}
	return joined;
}

/** One relayed address: `address` is IPv4 (`a.b.c.d`) or 16 raw bytes; addrv2 may name another network. */
export interface RelayedEntry {
	address: string | Uint8Array;
	port: number;
	services: bigint;
	/** addrv2 only: BIP155 network id (1 IPv4, 2 IPv6, 4 TorV3...) when `address` is raw bytes. */
	networkId?: number;
}

const relayTime = 1_714_000_000;

/** A BIP155 CompactSize. */
export function compactSize(value: bigint | number): Uint8Array {
	const big = BigInt(value);
	if (big < 0xfdn) return new Uint8Array([Number(big)]);
	const [prefix, width] = big <= 0xffffn ? [0xfd, 2] : big <= 0xffff_ffffn ? [0xfe, 4] : [0xff, 8];
	const bytes = new Uint8Array(1 + width);
	bytes[0] = prefix;
	for (let index = 0; index < width; index++) bytes[1 + index] = Number((big >> BigInt(8 * index)) & 0xffn);
	return bytes;
}

function ipv4Bytes(text: string): Uint8Array {
	return new Uint8Array(text.split('.').map(Number));
}

/** An `addr` payload: count, then 30 bytes an entry (time, services, IPv6 or IPv4-mapped address, big-endian port). */
export function addrPayload(entries: readonly RelayedEntry[]): Uint8Array {
	return concatBytes(compactSize(entries.length), ...entries.map((entry) => {
		const bytes = new Uint8Array(30);
		const view = new DataView(bytes.buffer);
		view.setUint32(0, relayTime, true);
		view.setBigUint64(4, entry.services, true);
		if (typeof entry.address === 'string') bytes.set([0xff, 0xff, ...ipv4Bytes(entry.address)], 22);
		else bytes.set(entry.address, 12);
		view.setUint16(28, entry.port, false);
		return bytes;
	}));
}

/** A BIP155 `addrv2` payload: count, then time, CompactSize services, network id, CompactSize length and address, port. */
export function addrv2Payload(entries: readonly RelayedEntry[]): Uint8Array {
	return concatBytes(compactSize(entries.length), ...entries.map((entry) => {
		const address = typeof entry.address === 'string' ? ipv4Bytes(entry.address) : entry.address;
		const networkId = entry.networkId ?? (typeof entry.address === 'string' ? 1 : 2);
		const time = new Uint8Array(4);
		new DataView(time.buffer).setUint32(0, relayTime, true);
		const port = new Uint8Array([entry.port >> 8, entry.port & 0xff]);
		return concatBytes(time, compactSize(entry.services), new Uint8Array([networkId]), compactSize(address.length), address, port);
	}));
}
