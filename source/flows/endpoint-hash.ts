// 31-bit numeric keys for addresses and flows, so per-packet lookups never build strings.
// Collisions are expected and resolved by the tables comparing the full address or tuple.

function mix(hash: number, value: number): number {
	const mixed = Math.imul(hash ^ value, 0x9e3779b1);
	return mixed ^ (mixed >>> 15);
}

export function addressHash(words: Uint32Array, ipVersion: number): number {
	let hash = mix(0x2545f491, words[0]!);
	if (ipVersion === 6) hash = mix(mix(mix(hash, words[1]!), words[2]!), words[3]!);
	return hash;
}

/** The same for both directions of a flow: the two endpoint hashes are added, not chained. */
export function flowHash(source: Uint32Array, sourcePort: number, destination: Uint32Array, destinationPort: number, ipVersion: number, protocol: number): number {
	const sourceEndpoint = mix(addressHash(source, ipVersion), sourcePort);
	const destinationEndpoint = mix(addressHash(destination, ipVersion), destinationPort);
	return mix(mix((sourceEndpoint + destinationEndpoint) | 0, protocol), ipVersion) & 0x7fffffff;
}
