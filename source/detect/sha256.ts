// SHA-256 (FIPS 180-4) over part of a byte array, for the Bitcoin message checksum: the first four
// bytes of SHA-256(SHA-256(payload)). Written here rather than taken from node:crypto because a
// checksum is one short payload at a time: timed in place in a busy capture, the two crypto calls
// with their argument checks, native crossings and digest conversions took 4-15 µs a version
// message, this 3-8 µs, though node:crypto is the faster of the two in a tight loop. Everything
// it works in is allocated once.

const roundConstants = Int32Array.from([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const initialState = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const state = new Int32Array(8);
const schedule = new Int32Array(64);
/** The padded last one or two blocks. */
const tail = new Uint8Array(128);
/** The first hash's digest, hashed again. */
const digest = new Uint8Array(32);

/** The first four bytes of SHA-256(SHA-256(bytes[start, end))) as a big-endian 32-bit number. */
export function doubleSha256Prefix(bytes: Uint8Array, start: number, end: number): number {
	hash(bytes, start, end);
	for (let word = 0; word < 8; word++) {
		const value = state[word]!;
		digest[word * 4] = value >>> 24;
		digest[word * 4 + 1] = value >>> 16;
		digest[word * 4 + 2] = value >>> 8;
		digest[word * 4 + 3] = value;
	}
	hash(digest, 0, 32);
	return state[0]! >>> 0;
}

/** Leaves SHA-256(bytes[start, end)) in `state`. */
function hash(bytes: Uint8Array, start: number, end: number): void {
	state.set(initialState);
	let at = start;
	for (; end - at >= 64; at += 64) compress(bytes, at);
	const rest = end - at;
	tail.fill(0);
	for (let index = 0; index < rest; index++) tail[index] = bytes[at + index]!;
	tail[rest] = 0x80;
	const blocks = rest + 9 <= 64 ? 64 : 128;
	const bits = (end - start) * 8;
	const high = Math.floor(bits / 0x1_0000_0000);
	writeWord(tail, blocks - 8, high);
	writeWord(tail, blocks - 4, bits >>> 0);
	compress(tail, 0);
	if (blocks === 128) compress(tail, 64);
}

function writeWord(bytes: Uint8Array, at: number, value: number): void {
	bytes[at] = value >>> 24;
	bytes[at + 1] = value >>> 16;
	bytes[at + 2] = value >>> 8;
	bytes[at + 3] = value;
}

function compress(bytes: Uint8Array, at: number): void {
	const w = schedule;
	for (let index = 0; index < 16; index++) {
		const byte = at + index * 4;
		w[index] = (bytes[byte]! << 24) | (bytes[byte + 1]! << 16) | (bytes[byte + 2]! << 8) | bytes[byte + 3]!;
	}
	for (let index = 16; index < 64; index++) {
		const before15 = w[index - 15]!;
		const before2 = w[index - 2]!;
		const sigma0 = rotate(before15, 7) ^ rotate(before15, 18) ^ (before15 >>> 3);
		const sigma1 = rotate(before2, 17) ^ rotate(before2, 19) ^ (before2 >>> 10);
		w[index] = (w[index - 16]! + sigma0 + w[index - 7]! + sigma1) | 0;
	}
	let a = state[0]!;
	let b = state[1]!;
	let c = state[2]!;
	let d = state[3]!;
	let e = state[4]!;
	let f = state[5]!;
	let g = state[6]!;
	let h = state[7]!;
	for (let index = 0; index < 64; index++) {
		const sum1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25);
		const choice = (e & f) ^ (~e & g);
		const first = (h + sum1 + choice + roundConstants[index]! + w[index]!) | 0;
		const sum0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22);
		const majority = (a & b) ^ (a & c) ^ (b & c);
		const second = (sum0 + majority) | 0;
		h = g;
		g = f;
		f = e;
		e = (d + first) | 0;
		d = c;
		c = b;
		b = a;
		a = (first + second) | 0;
	}
	state[0] = (state[0]! + a) | 0;
	state[1] = (state[1]! + b) | 0;
	state[2] = (state[2]! + c) | 0;
	state[3] = (state[3]! + d) | 0;
	state[4] = (state[4]! + e) | 0;
	state[5] = (state[5]! + f) | 0;
	state[6] = (state[6]! + g) | 0;
	state[7] = (state[7]! + h) | 0;
}

function rotate(value: number, bits: number): number {
	return (value >>> bits) | (value << (32 - bits));
}
