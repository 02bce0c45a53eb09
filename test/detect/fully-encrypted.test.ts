import {test} from 'node:test';
import assert from 'node:assert/strict';
import {looksFullyEncrypted, mayBeFullyEncrypted} from '../../source/detect/fully-encrypted.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';

test('random bytes look fully encrypted, all but a few in a thousand', () => {
	const random = new SeededRandom(0xe1);
	let rejected = 0;
	for (let sample = 0; sample < 20_000; sample++) if (!looksFullyEncrypted(random.bytes(64))) rejected++;
	// Six printable bytes first (0.26%) and a bit count 3.4 sd off (0.07%) are expected by chance.
	assert.ok(rejected < 20_000 * 0.005, `${rejected} of 20000 rejected`);
});

test('text, structured binary, TLS records and too few bytes do not', () => {
	const encoder = new TextEncoder();
	const samples: Record<string, Uint8Array> = {
		'HTTP request': encoder.encode(`GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\n\r\n`),
		'SSH banner': encoder.encode('SSH-2.0-OpenSSH_9.6p1 Debian-4\r\n'.repeat(3)),
		zeros: new Uint8Array(64),
		'all ones': new Uint8Array(64).fill(0xff),
		'TLS record': Uint8Array.from([0x16, 0x03, 0x01, 0x02, 0x00, ...new SeededRandom(2).bytes(64)]),
		'printable prefix': Uint8Array.from([...encoder.encode('HELLO!'), ...new SeededRandom(3).bytes(64)]),
		'63 random bytes': new SeededRandom(4).bytes(63),
	};
	for (const [name, bytes] of Object.entries(samples)) assert.equal(looksFullyEncrypted(bytes), false, name);
});

test('a first segment too short to judge is ruled out only by what it already shows', () => {
	assert.equal(mayBeFullyEncrypted(Uint8Array.of(0x8e, 0x01, 0x77)), true);
	assert.equal(mayBeFullyEncrypted(new TextEncoder().encode('GET /')), true, 'five printable bytes prove nothing yet');
	assert.equal(mayBeFullyEncrypted(new TextEncoder().encode('GET / ')), false);
	assert.equal(mayBeFullyEncrypted(Uint8Array.of(0x17, 0x03)), false);
});
