// Mutations of real bytes for the fuzzers: the damage captures and attackers actually produce (bytes
// flipped, length fields set to zero, one, their maximum or a lie, a cut anywhere, bytes inserted,
// removed or repeated) applied to a seed, so most inputs stay close enough to valid to reach deep code.
import fc from 'fast-check';
import {concatBytes} from '../detect/support/bitcoin-builder.js';

export type Mutation =
	| {kind: 'byte'; at: number; value: number}
	| {kind: 'field'; at: number; width: 1 | 2 | 4; littleEndian: boolean; value: number}
	| {kind: 'cut'; at: number}
	| {kind: 'insert'; at: number; bytes: Uint8Array}
	| {kind: 'remove'; at: number; length: number}
	| {kind: 'repeat'; at: number; length: number; times: number};

/** Values that length and count fields break on: empty, one, the sign bit, all ones, and anything. */
const fieldValue = fc.oneof(
	fc.constantFrom(0, 1, 2, 4, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff),
	fc.nat(),
	fc.integer({min: 0, max: 0xffffffff}),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({min: 0, max: 255})}),
	fc.record({kind: fc.constant('field' as const), at: fc.nat(), width: fc.constantFrom(1 as const, 2 as const, 4 as const), littleEndian: fc.boolean(), value: fieldValue}),
	fc.record({kind: fc.constant('cut' as const), at: fc.nat()}),
	fc.record({kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({minLength: 1, maxLength: 64})}),
	fc.record({kind: fc.constant('remove' as const), at: fc.nat(), length: fc.integer({min: 1, max: 64})}),
	fc.record({kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({min: 1, max: 48}), times: fc.integer({min: 1, max: 40})}),
);

/** `bytes` with every mutation applied in turn (positions taken modulo the length at that point). */
export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
	let result: Uint8Array = bytes.slice();
	for (const change of mutations) {
		const length = result.length;
		const at = length === 0 ? 0 : change.at % length;
		switch (change.kind) {
			case 'byte':
				if (length > 0) result[at] = change.value;
				break;
			case 'field':
				for (let index = 0; index < change.width && at + index < length; index++) {
					const shift = 8 * (change.littleEndian ? index : change.width - 1 - index);
					result[at + index] = Math.floor(change.value / 2 ** shift) & 0xff;
				}
				break;
			case 'cut':
				result = result.slice(0, at);
				break;
			case 'insert':
				result = concatBytes(result.subarray(0, at), change.bytes, result.subarray(at));
				break;
			case 'remove':
				result = concatBytes(result.subarray(0, at), result.subarray(Math.min(length, at + change.length)));
				break;
			case 'repeat': {
				const range = result.subarray(at, Math.min(length, at + change.length));
				result = concatBytes(result.subarray(0, at), ...Array.from({length: change.times + 1}, () => range), result.subarray(at + range.length));
				break;
			}
		}
	}
	return result;
}

/**
 * Which of `seedCount` seeds, and the mutations to apply to it (0 to `most`: none keeps real inputs in
 * the mix). A counterexample prints as this pair, not as the bytes, so it stays short and readable.
 */
export function mutatedSeed(seedCount: number, most = 6): fc.Arbitrary<[number, Mutation[]]> {
	return fc.tuple(fc.integer({min: 0, max: seedCount - 1}), fc.array(mutation, {maxLength: most}));
}
