// Keccak-256 as Ethereum uses it (the original Keccak submission's padding, 0x01 ... 0x80), which
// discovery v4 puts at the head of every packet as the hash of the rest. node:crypto only has
// SHA3-256: the same permutation and rate, but FIPS 202's padding (0x06 ... 0x80), so its digests
// differ. The permutation works on 64-bit lanes held as two 32-bit halves (low word first), since
// BigInt lanes would cost an allocation per operation.

const rateBytes = 136;
const rounds = 24;

/** Round constants, as [high, low] halves. */
const roundConstants = new Uint32Array([
	0x00000000, 0x00000001, 0x00000000, 0x00008082, 0x80000000, 0x0000808a, 0x80000000, 0x80008000,
	0x00000000, 0x0000808b, 0x00000000, 0x80000001, 0x80000000, 0x80008081, 0x80000000, 0x00008009,
	0x00000000, 0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a,
	0x00000000, 0x8000808b, 0x80000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003,
	0x80000000, 0x00008002, 0x80000000, 0x00000080, 0x00000000, 0x0000800a, 0x80000000, 0x8000000a,
	0x80000000, 0x80008081, 0x80000000, 0x00008080, 0x00000000, 0x80000001, 0x80000000, 0x80008008,
]);
/** ρ's rotation of each lane as π visits it, and the lane π moves it to. */
const rotations = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];
const piLanes = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];

/** Lane i is state[2i] (low half) and state[2i + 1] (high half). */
function permute(state: Uint32Array, columns: Uint32Array): void {
	for (let round = 0; round < rounds; round++) {
		// θ: each lane takes the parity of the column on its left and of the one on its right rotated by 1.
		for (let x = 0; x < 5; x++) {
			columns[2 * x] = state[2 * x]! ^ state[2 * x + 10]! ^ state[2 * x + 20]! ^ state[2 * x + 30]! ^ state[2 * x + 40]!;
			columns[2 * x + 1] = state[2 * x + 1]! ^ state[2 * x + 11]! ^ state[2 * x + 21]! ^ state[2 * x + 31]! ^ state[2 * x + 41]!;
		}
		for (let x = 0; x < 5; x++) {
			const left = (x + 4) % 5;
			const right = (x + 1) % 5;
			const rightLow = columns[2 * right]!;
			const rightHigh = columns[2 * right + 1]!;
			const low = columns[2 * left]! ^ ((rightLow << 1) | (rightHigh >>> 31));
			const high = columns[2 * left + 1]! ^ ((rightHigh << 1) | (rightLow >>> 31));
			for (let lane = x; lane < 25; lane += 5) {
				state[2 * lane] ^= low;
				state[2 * lane + 1] ^= high;
			}
		}
		// ρ and π together: walk the lanes in π's cycle from lane 1, rotating each into its new place.
		let carriedLow = state[2]!;
		let carriedHigh = state[3]!;
		for (let step = 0; step < 24; step++) {
			const lane = piLanes[step]!;
			const nextLow = state[2 * lane]!;
			const nextHigh = state[2 * lane + 1]!;
			const shift = rotations[step]!;
			// A rotation by 32 or more swaps the halves first; no ρ offset is 0 or 32.
			const [low, high] = shift < 32 ? [carriedLow, carriedHigh] : [carriedHigh, carriedLow];
			const bits = shift % 32;
			state[2 * lane] = (low << bits) | (high >>> (32 - bits));
			state[2 * lane + 1] = (high << bits) | (low >>> (32 - bits));
			carriedLow = nextLow;
			carriedHigh = nextHigh;
		}
		// χ: each row mixes with its next two lanes.
		for (let row = 0; row < 25; row += 5) {
			for (let x = 0; x < 10; x++) columns[x] = state[2 * row + x]!;
			for (let x = 0; x < 5; x++) {
				const next = 2 * ((x + 1) % 5);
				const after = 2 * ((x + 2) % 5);
				state[2 * (row + x)] = columns[2 * x]! ^ (~columns[next]! & columns[after]!);
				state[2 * (row + x) + 1] = columns[2 * x + 1]! ^ (~columns[next + 1]! & columns[after + 1]!);
			}
		}
		// ι
		state[0] ^= roundConstants[2 * round + 1]!;
		state[1] ^= roundConstants[2 * round]!;
	}
}

/**
 * A 256-bit digest of `bytes` by the Keccak sponge, with `domain` as the first padding byte:
 * 0x01 is Keccak-256, 0x06 SHA3-256 (which node:crypto has, so tests can check the permutation).
 */
export function keccakSponge256(bytes: Uint8Array, domain: number): Uint8Array {
	const state = new Uint32Array(50);
	const columns = new Uint32Array(10);
	const block = new Uint8Array(rateBytes);
	const words = new DataView(block.buffer);
	for (let offset = 0; ; offset += rateBytes) {
		const remaining = bytes.length - offset;
		const last = remaining < rateBytes;
		if (last) {
			block.fill(0);
			block.set(bytes.subarray(offset));
			block[remaining] = domain;
			block[rateBytes - 1]! |= 0x80;
		} else {
			block.set(bytes.subarray(offset, offset + rateBytes));
		}
		for (let word = 0; word < rateBytes / 4; word++) state[word] ^= words.getUint32(4 * word, true);
		permute(state, columns);
		if (last) break;
	}
	const digest = new Uint8Array(32);
	const digestWords = new DataView(digest.buffer);
	for (let word = 0; word < 8; word++) digestWords.setUint32(4 * word, state[word]!, true);
	return digest;
}

export function keccak256(bytes: Uint8Array): Uint8Array {
	return keccakSponge256(bytes, 0x01);
}
