// A set of IPv4 and IPv6 networks (home network, allow lists), matched by address text or by the
// decoder's numeric words.
import {parseIpv4, parseIpv6} from '../decode/ip-address-text.js';

/** RFC 1918, shared address space (RFC 6598), loopback, link-local, unique-local. */
export const defaultHomeNet: readonly string[] = [
	'10.0.0.0/8',
	'172.16.0.0/12',
	'192.168.0.0/16',
	'100.64.0.0/10',
	'127.0.0.0/8',
	'169.254.0.0/16',
	'fc00::/7',
	'fe80::/10',
	'::1/128',
];

export class CidrSet {
	private constructor(
		/** Pairs of (network, mask). */
		private readonly ipv4: number[],
		/** Groups of four network words then four mask words. */
		private readonly ipv6: number[],
	) {}

	/** Throws an Error with a one-line message naming the first bad entry. */
	static parse(list: readonly string[]): CidrSet {
		const ipv4: number[] = [];
		const ipv6: number[] = [];
		for (const raw of list) {
			const entry = raw.trim();
			const slash = entry.indexOf('/');
			const addressText = slash < 0 ? entry : entry.slice(0, slash);
			const prefixText = slash < 0 ? undefined : entry.slice(slash + 1);
			const prefix = prefixText === undefined ? undefined : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
			const v4 = parseIpv4(addressText);
			if (v4 !== undefined && (prefix === undefined || prefix <= 32)) {
				const mask = maskWord(prefix ?? 32);
				ipv4.push((v4 & mask) >>> 0, mask);
				continue;
			}
			const v6 = parseIpv6(addressText);
			if (v6 !== undefined && (prefix === undefined || prefix <= 128)) {
				const bits = prefix ?? 128;
				const masks = [0, 1, 2, 3].map((word) => maskWord(Math.min(32, Math.max(0, bits - word * 32))));
				ipv6.push(...v6.map((word, index) => (word & masks[index]!) >>> 0), ...masks);
				continue;
			}
			throw new Error(`Bad network '${raw}': expected an IPv4 or IPv6 address with an optional /prefix, e.g. 10.0.0.0/8 or fc00::/7`);
		}
		return new CidrSet(ipv4, ipv6);
	}

	get empty(): boolean {
		return this.ipv4.length === 0 && this.ipv6.length === 0;
	}

	/** False for text that is not an IP address. */
	contains(address: string): boolean {
		const v4 = parseIpv4(address);
		if (v4 !== undefined) return this.containsIpv4(v4);
		const v6 = parseIpv6(address);
		return v6 !== undefined && this.containsIpv6(v6[0], v6[1], v6[2], v6[3]);
	}

	/** The decoder's form: IPv4 in word 0, IPv6 in all four words. */
	containsWords(words: Uint32Array, ipVersion: number): boolean {
		return ipVersion === 6 ? this.containsIpv6(words[0]!, words[1]!, words[2]!, words[3]!) : this.containsIpv4(words[0]!);
	}

	containsIpv4(address: number): boolean {
		const networks = this.ipv4;
		for (let index = 0; index < networks.length; index += 2) {
			if (((address & networks[index + 1]!) >>> 0) === networks[index]) return true;
		}
		return false;
	}

	/** IPv4-mapped addresses (::ffff:a.b.c.d) also match the IPv4 networks. */
	containsIpv6(w0: number, w1: number, w2: number, w3: number): boolean {
		if (w0 === 0 && w1 === 0 && w2 === 0xffff && this.containsIpv4(w3)) return true;
		const networks = this.ipv6;
		for (let index = 0; index < networks.length; index += 8) {
			if (
				((w0 & networks[index + 4]!) >>> 0) === networks[index] &&
				((w1 & networks[index + 5]!) >>> 0) === networks[index + 1] &&
				((w2 & networks[index + 6]!) >>> 0) === networks[index + 2] &&
				((w3 & networks[index + 7]!) >>> 0) === networks[index + 3]
			) {
				return true;
			}
		}
		return false;
	}
}

function maskWord(bits: number): number {
	return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}
