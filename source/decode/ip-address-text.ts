// Text form of IP addresses, made once per flow or host (never per packet), and parsed back for
// configuration (home network lists) and lookups by address text.

/** The text of an address stored as four words from `at` (only the first for IPv4), signed or not. */
export function formatAddressWords(ipVersion: number, words: ArrayLike<number>, at: number): string {
	return ipVersion === 6
		? formatIpv6(words[at]! >>> 0, words[at + 1]! >>> 0, words[at + 2]! >>> 0, words[at + 3]! >>> 0)
		: formatIpv4(words[at]! >>> 0);
}

export function formatIpv4(address: number): string {
	return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** RFC 5952 form: lower case, leading zeros dropped, the longest run (two or more) of zero groups as `::`. */
export function formatIpv6(w0: number, w1: number, w2: number, w3: number): string {
	const groups = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
	let bestStart = -1;
	let bestLength = 1;
	for (let start = 0; start < 8; start++) {
		let end = start;
		while (end < 8 && groups[end] === 0) end++;
		if (end - start > bestLength) {
			bestStart = start;
			bestLength = end - start;
		}
		if (end > start) start = end;
	}
	if (bestStart === 0 && bestLength === 5 && groups[5] === 0xffff) {
		return `::ffff:${formatIpv4(w3 >>> 0)}`;
	}
	const hex = groups.map((group) => group.toString(16));
	if (bestStart < 0) return hex.join(':');
	const head = hex.slice(0, bestStart).join(':');
	const tail = hex.slice(bestStart + bestLength).join(':');
	return `${head}::${tail}`;
}

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as an unsigned 32-bit number, or undefined when the text is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
	const match = ipv4Pattern.exec(text);
	if (!match) return undefined;
	let address = 0;
	for (let index = 1; index <= 4; index++) {
		const part = match[index]!;
		if (part.length > 1 && part.startsWith('0')) return undefined;
		const octet = Number(part);
		if (octet > 255) return undefined;
		address = address * 256 + octet;
	}
	return address;
}

/** The address as four unsigned 32-bit words, or undefined when the text is not an IPv6 address. */
export function parseIpv6(text: string): [number, number, number, number] | undefined {
	if (text.length < 2 || text.length > 45) return undefined;
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const head = parseGroups(halves[0]!);
	const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
	if (!head || !tail) return undefined;
	const count = head.length + tail.length;
	if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
	const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
	return [
		((groups[0]! << 16) | groups[1]!) >>> 0,
		((groups[2]! << 16) | groups[3]!) >>> 0,
		((groups[4]! << 16) | groups[5]!) >>> 0,
		((groups[6]! << 16) | groups[7]!) >>> 0,
	];
}

function parseGroups(text: string): number[] | undefined {
	if (text === '') return [];
	const parts = text.split(':');
	const groups: number[] = [];
	for (let index = 0; index < parts.length; index++) {
		const part = parts[index]!;
		if (index === parts.length - 1 && part.includes('.')) {
			const embedded = parseIpv4(part);
			if (embedded === undefined) return undefined;
			groups.push(embedded >>> 16, embedded & 0xffff);
			continue;
		}
		if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
		groups.push(parseInt(part, 16));
	}
	return groups;
}

/**
 * The order hosts go in when their sort keys tie: IPv4 before IPv6, then by address value (the host
 * table compares the same numbers in its records). Text that is no address goes last.
 */
export function compareAddressText(left: string, right: string): number {
	const [a, b] = [orderWords(left), orderWords(right)];
	for (let index = 0; index < 5; index++) {
		const difference = a[index]! - b[index]!;
		if (difference !== 0) return difference;
	}
	return 0;
}

function orderWords(text: string): number[] {
	const v4 = parseIpv4(text);
	if (v4 !== undefined) return [4, v4, 0, 0, 0];
	const v6 = parseIpv6(text);
	return v6 === undefined ? [7, 0, 0, 0, 0] : [6, ...v6];
}
