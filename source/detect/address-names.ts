// The names learned for addresses (DNS answers, TLS server names): one per address, the latest.
// Nearly every flow to a new server teaches one, so IPv4 addresses are kept as numbers in typed
// arrays: a Map would keep each flow's young address text alive from an old table, and carrying
// those strings through the collector cost more than all the rest of name learning together.
import {BoundedMap} from './bounded-map.js';

/** Addresses in a bucket; a full bucket forgets its oldest for a new address. */
const ways = 8;

export class AddressNames {
	private readonly bucketBits: number;
	private readonly addresses: Uint32Array;
	/** The name by entry (undefined: the entry is free), shared strings so nothing new is kept. */
	private readonly names: (string | undefined)[];
	/** Per bucket, the way the next new address takes once the bucket is full. */
	private readonly nextWay: Uint8Array;
	private readonly ipv6: BoundedMap<string, string>;

	/** Room for about `capacity` addresses. */
	constructor(capacity: number) {
		this.bucketBits = Math.max(0, Math.ceil(Math.log2(Math.max(1, capacity) / ways)));
		const buckets = 1 << this.bucketBits;
		this.addresses = new Uint32Array(buckets * ways);
		this.names = Array.from({length: buckets * ways}, () => undefined);
		this.nextWay = new Uint8Array(buckets);
		this.ipv6 = new BoundedMap(capacity);
	}

	/** `address` as text, or an IPv4 address as its 32-bit value. */
	get(address: string | number): string | undefined {
		if (typeof address === 'number') return this.ipv4Name(address);
		const number = ipv4Number(address);
		return number < 0 ? this.ipv6.get(address) : this.ipv4Name(number);
	}

	set(address: string | number, name: string): void {
		if (typeof address === 'number') {
			this.setIpv4Name(address, name);
			return;
		}
		const number = ipv4Number(address);
		if (number < 0) this.ipv6.set(address, name);
		else this.setIpv4Name(number, name);
	}

	private ipv4Name(address: number): string | undefined {
		const first = this.bucketOf(address) * ways;
		for (let entry = first; entry < first + ways; entry++) {
			if (this.addresses[entry] === address && this.names[entry] !== undefined) return this.names[entry];
		}
		return undefined;
	}

	private setIpv4Name(address: number, name: string): void {
		const bucket = this.bucketOf(address);
		const first = bucket * ways;
		let free = -1;
		for (let entry = first; entry < first + ways; entry++) {
			const known = this.names[entry];
			if (known === undefined) {
				if (free < 0) free = entry;
			} else if (this.addresses[entry] === address) {
				this.names[entry] = name;
				return;
			}
		}
		if (free < 0) {
			free = first + this.nextWay[bucket]!;
			this.nextWay[bucket] = (this.nextWay[bucket]! + 1) % ways;
		}
		this.addresses[free] = address;
		this.names[free] = name;
	}

	private bucketOf(address: number): number {
		return this.bucketBits === 0 ? 0 : Math.imul(address, 0x9e3779b1) >>> (32 - this.bucketBits);
	}
}

/**
 * A dotted quad's value, or -1 for any other text (IPv6). Read by hand: the regular expression
 * `parseIpv4` uses costs more than the lookup it would serve here.
 */
function ipv4Number(text: string): number {
	let value = 0;
	let part = 0;
	let digits = 0;
	let dots = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code >= 0x30 && code <= 0x39) {
			part = part * 10 + code - 0x30;
			if (++digits > 3 || part > 255) return -1;
		} else if (code === 0x2e && digits > 0 && dots < 3) {
			value = value * 256 + part;
			part = 0;
			digits = 0;
			dots++;
		} else {
			return -1;
		}
	}
	return dots === 3 && digits > 0 ? value * 256 + part : -1;
}
