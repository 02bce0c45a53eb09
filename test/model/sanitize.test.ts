import {test} from 'node:test';
import assert from 'node:assert/strict';
import {toDisplay} from '../../source/model/sanitize.js';

test('plain text passes through unchanged', () => {
	assert.equal(toDisplay('XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0'), 'XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0');
	assert.equal(toDisplay('pool.example.org'), 'pool.example.org');
	assert.equal(toDisplay('Grüße 日本 🙂'), 'Grüße 日本 🙂');
});

test('C0 controls, DEL and C1 become visible escapes', () => {
	assert.equal(toDisplay('a\x1b]0;owned\x07b'), 'a\\x1b]0;owned\\x07b');
	assert.equal(toDisplay('x\r\ny\tz'), 'x\\r\\ny\\tz');
	assert.equal(toDisplay('\x08\x00\x7f'), '\\x08\\x00\\x7f');
	assert.equal(toDisplay('\u009b2J'), '\\x9b2J');
	assert.equal(toDisplay('\x1b[2J\x1b]52;c;ZXZpbA==\x07'), '\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07');
});

test('bidi controls and other format characters become \\u{...} text', () => {
	assert.equal(toDisplay('evil\u202Etxt.exe'), 'evil\\u{202e}txt.exe');
	assert.equal(toDisplay('\u2066a\u2069\u200e\u200f\u061c'), '\\u{2066}a\\u{2069}\\u{200e}\\u{200f}\\u{61c}');
	assert.equal(toDisplay('zero\u200bwidth\ufeff'), 'zero\\u{200b}width\\u{feff}');
	assert.equal(toDisplay('line\u2028break'), 'line\\u{2028}break');
});

test('no raw control or bidi character ever survives', () => {
	let everything = '';
	for (let code = 0; code < 0x3000; code++) everything += String.fromCodePoint(code);
	const output = toDisplay(everything, 100_000);
	assert.doesNotMatch(output, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u);
});

test('bytes are decoded as UTF-8 with invalid sequences replaced by U+FFFD', () => {
	assert.equal(toDisplay(new Uint8Array([0x61, 0xc3, 0xa9, 0x62])), 'aéb');
	assert.equal(toDisplay(new Uint8Array([0x61, 0xff, 0xfe, 0x62])), 'a\uFFFD\uFFFDb');
	assert.equal(toDisplay(new Uint8Array([0x2f, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x2f])), '/\\x1b[31m/');
	assert.equal(toDisplay('lone \ud800 surrogate'), 'lone \uFFFD surrogate');
});

test('long text is cut to maxLength code points ending in an ellipsis', () => {
	assert.equal(toDisplay('abcdefghij', 5), 'abcd…');
	assert.equal(toDisplay('abcde', 5), 'abcde');
	assert.equal([...toDisplay('🙂'.repeat(10), 4)].length, 4);
	assert.equal(toDisplay('x'.repeat(500)).length, 120);
	// An escape is never cut in half.
	assert.equal(toDisplay('ab\x1bcd', 5), 'ab…');
	assert.equal(toDisplay('anything', 0), '');
});
