// The names learned for addresses (DNS answers, TLS server names): one per address, the latest.
// Nearly every flow to a new server teaches one, so IPv4 addresses are keys of a way table (no
// address text kept per server); IPv6 addresses, rarer, stay text in a bounded map.
import {BoundedMap} from './bounded-map.js';
import {WayTable} from './way-table.js';

export class AddressNames {
	private readonly ipv4: WayTable<string>;
	private readonly ipv6: BoundedMap<string, string>;

	/** Room for about `capacity` addresses of each IP version. */
	constructor(capacity: number) {
		this.ipv4 = new WayTable(capacity);
		this.ipv6 = new BoundedMap(capacity);
	}

	/** `address` as text, or an IPv4 address as its 32-bit value. */
	get(address: string | number): string | undefined {
		if (typeof address === 'number') return this.ipv4.get(address);
		const number = ipv4Number(address);
		return number < 0 ? this.ipv6.get(address) : this.ipv4.get(number);
	}

	/** Adds or replaces the name of `address` (a replaced name keeps the address's age). */
	set(address: string | number, name: string): void {
		if (typeof address === 'number') {
			this.ipv4.set(address, name);
			return;
		}
		const number = ipv4Number(address);
		if (number < 0) this.ipv6.set(address, name);
		else this.ipv4.set(number, name);
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
