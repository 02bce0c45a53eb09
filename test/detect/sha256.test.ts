import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {doubleSha256Prefix} from '../../source/detect/sha256.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';

function expected(bytes: Uint8Array): number {
	const once = createHash('sha256').update(bytes).digest();
	return createHash('sha256').update(once).digest().readUInt32BE(0);
}

test('the double SHA-256 prefix matches node:crypto at every length around the block and padding edges', () => {
	const random = new SeededRandom(256);
	for (let length = 0; length <= 300; length++) {
		const buffer = random.bytes(length + 5);
		const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
		assert.equal(doubleSha256Prefix(bytes, 3, 3 + length), expected(bytes.subarray(3, 3 + length)), `length ${length}`);
	}
});

test('the double SHA-256 prefix matches node:crypto on large payloads and the empty payload\'s known checksum', () => {
	const random = new SeededRandom(257);
	for (const length of [4096, 65_537, 1_000_003]) {
		const buffer = random.bytes(length);
		const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
		assert.equal(doubleSha256Prefix(bytes, 0, length), expected(bytes));
	}
	assert.equal(doubleSha256Prefix(new Uint8Array(0), 0, 0), 0x5df6e0e2);
});
