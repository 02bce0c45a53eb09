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
