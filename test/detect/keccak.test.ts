import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {keccak256, keccakSponge256} from '../../source/detect/keccak.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';

function hex(bytes: Uint8Array): string {
	return Buffer.from(bytes).toString('hex');
}

test('keccak256 gives the published digests (the empty string, "abc", the pangram, Ethereum\'s empty-list hash)', () => {
	assert.equal(hex(keccak256(new Uint8Array(0))), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
	assert.equal(hex(keccak256(Buffer.from('abc'))), '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
	assert.equal(hex(keccak256(Buffer.from('The quick brown fox jumps over the lazy dog'))), '4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15');
	// keccak256(rlp([])), the empty ommers hash in every Ethereum block header.
	assert.equal(hex(keccak256(Uint8Array.of(0xc0))), '1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347');
});

test('the permutation with SHA-3 padding matches node:crypto\'s sha3-256 at every length across three blocks', () => {
	const random = new SeededRandom(0x3ecc);
	for (let length = 0; length <= 3 * 136 + 2; length++) {
		const bytes = random.bytes(length);
		assert.equal(hex(keccakSponge256(bytes, 0x06)), createHash('sha3-256').update(bytes).digest('hex'), `length ${length}`);
	}
});

test('Keccak-256 is not node:crypto\'s SHA3-256: the padding byte differs', () => {
	const bytes = Buffer.from('minewatch');
	assert.notEqual(hex(keccak256(bytes)), createHash('sha3-256').update(bytes).digest('hex'));
});
