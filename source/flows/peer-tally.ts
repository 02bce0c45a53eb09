// What one host exchanged with one peer; a flow keeps the two tallies of its endpoints so each
// packet adds to them without a lookup. The peer's address is kept as numbers and made into text
// only when a detail view asks.
import {formatIpv4, formatIpv6} from '../decode/ip-address-text.js';

export class PeerTally {
	flows = 0;
	bytes = 0;
	private text: string | undefined = undefined;
	private readonly w0: number;
	private readonly w1: number;
	private readonly w2: number;
	private readonly w3: number;

	/** `words[offset, offset + 4)` hold the peer's address as the decoder's words (IPv4: the first only). */
	constructor(
		readonly ipVersion: number,
		words: Float64Array,
		offset: number,
		/** The peer's address hash, its key among the host's tallies. */
		readonly hash: number,
		readonly internal: boolean,
	) {
		// Signed 32-bit values stay small integers in the object instead of boxed doubles.
		this.w0 = words[offset]! | 0;
		this.w1 = ipVersion === 6 ? words[offset + 1]! | 0 : 0;
		this.w2 = ipVersion === 6 ? words[offset + 2]! | 0 : 0;
		this.w3 = ipVersion === 6 ? words[offset + 3]! | 0 : 0;
	}

	get address(): string {
		this.text ??= this.ipVersion === 6
			? formatIpv6(this.w0 >>> 0, this.w1 >>> 0, this.w2 >>> 0, this.w3 >>> 0)
			: formatIpv4(this.w0 >>> 0);
		return this.text;
	}

	/** Whether the peer is the address at `words[offset, offset + 4)`. */
	isAddress(ipVersion: number, words: Float64Array, offset: number): boolean {
		if (ipVersion !== this.ipVersion || (words[offset]! | 0) !== this.w0) return false;
		return ipVersion !== 6 || ((words[offset + 1]! | 0) === this.w1 && (words[offset + 2]! | 0) === this.w2 && (words[offset + 3]! | 0) === this.w3);
	}
}
