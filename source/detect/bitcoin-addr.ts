// The addresses a Bitcoin node relays in `addr` (30-byte entries: time, services, IPv6 or
// IPv4-mapped address, big-endian port) and BIP155 `addrv2` (time, CompactSize services, network id,
// CompactSize length and address, port). Only IPv4 and IPv6 can match a captured flow; the others
// (Tor, I2P, CJDNS) are stepped over. A message whose structure does not fill its payload exactly is
// read as nothing: a hostile count or length never reaches past it.
import {formatIpv4, formatIpv6} from '../decode/ip-address-text.js';
import {readU32BE, readU32LE, readVarInt} from './bitcoin-message.js';

/** Bitcoin Core's MAX_ADDR_TO_SEND: a longer message is a misbehaving peer's. */
const maxEntries = 1000;
const addrEntryBytes = 30;
/** BIP155's MAX_ADDRV2_SIZE. */
const maxAddrv2AddressBytes = 512;
const networkIpv4 = 1;
const networkIpv6 = 2;

export interface RelayedAddress {
	address: string;
	port: number;
	/** The services field's low 32 bits, where every service bit with a name is. */
	servicesLow: number;
}

/** The IPv4 and IPv6 entries of an `addr` payload in [start, end), or undefined if it is malformed. */
export function parseAddr(bytes: Uint8Array, start: number, end: number): RelayedAddress[] | undefined {
	const count = readVarInt(bytes, start, end);
	if (count === undefined || count.value > maxEntries) return undefined;
	const first = start + count.size;
	if (end - first !== count.value * addrEntryBytes) return undefined;
	const entries: RelayedAddress[] = [];
	for (let at = first; at < end; at += addrEntryBytes) {
		const address = ipv6Text(bytes, at + 12);
		const port = (bytes[at + 28]! << 8) | bytes[at + 29]!;
		if (port !== 0) entries.push({address, port, servicesLow: readU32LE(bytes, at + 4)});
	}
	return entries;
}

/** The IPv4 and IPv6 entries of an `addrv2` payload in [start, end), or undefined if it is malformed. */
export function parseAddrv2(bytes: Uint8Array, start: number, end: number): RelayedAddress[] | undefined {
	const count = readVarInt(bytes, start, end);
	if (count === undefined || count.value > maxEntries) return undefined;
	const entries: RelayedAddress[] = [];
	let at = start + count.size;
	for (let index = 0; index < count.value; index++) {
		const services = readVarInt(bytes, at + 4, end);
		if (services === undefined) return undefined;
		at += 4 + services.size;
		if (at >= end) return undefined;
		const network = bytes[at]!;
		const length = readVarInt(bytes, at + 1, end);
		if (length === undefined || length.value > maxAddrv2AddressBytes) return undefined;
		const addressAt = at + 1 + length.size;
		at = addressAt + length.value + 2;
		if (at > end) return undefined;
		// BIP155: an IPv4 or IPv6 address of another length makes the whole message invalid.
		if ((network === networkIpv4 && length.value !== 4) || (network === networkIpv6 && length.value !== 16)) return undefined;
		const port = (bytes[at - 2]! << 8) | bytes[at - 1]!;
		if (port === 0 || (network !== networkIpv4 && network !== networkIpv6)) continue;
		const address = network === networkIpv4 ? formatIpv4(readU32BE(bytes, addressAt)) : ipv6Text(bytes, addressAt);
		entries.push({address, port, servicesLow: services.value % 2 ** 32});
	}
	return at === end ? entries : undefined;
}

/** An IPv4-mapped address (`::ffff:a.b.c.d`) as the IPv4 text flows use, any other in RFC 5952 form. */
function ipv6Text(bytes: Uint8Array, at: number): string {
	const [w0, w1, w2, w3] = [readU32BE(bytes, at), readU32BE(bytes, at + 4), readU32BE(bytes, at + 8), readU32BE(bytes, at + 12)];
	return w0 === 0 && w1 === 0 && w2 === 0xffff ? formatIpv4(w3) : formatIpv6(w0, w1, w2, w3);
}
