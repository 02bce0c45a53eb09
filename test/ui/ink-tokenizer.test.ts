// Ink tokenizes every line of every frame with @alcalzone/ansi-tokenize, which the project patches
// (patches/, applied by `npm ci`): text whose every code unit is a grapheme of its own is read by code
// unit instead of through Intl.Segmenter, and the characters of one style run share one styles array.
// These hold the patched tokenizer to the segmenter's answers and to its original output.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {styledCharsFromTokens, styledCharsToString, tokenize} from '@alcalzone/ansi-tokenize';
import {createElement} from 'react';
import {Box} from 'ink';
import {render} from 'ink-testing-library';
import {ScreenLine} from '../../source/ui/screen-line.js';

const sgr = (code: number) => `\u001B[${code}m`;
const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
const segmentOriginal = Intl.Segmenter.prototype.segment;
let segmentCalls = 0;
Intl.Segmenter.prototype.segment = function (this: Intl.Segmenter, input: string) {
	segmentCalls++;
	return segmentOriginal.call(this, input);
};

afterEach(() => {
	segmentCalls = 0;
});

function characters(text: string): Array<{value: string; fullWidth: boolean}> {
	return tokenize(text).flatMap(token => token.type === 'char' ? [{value: token.value, fullWidth: token.fullWidth}] : []);
}

function graphemes(text: string): string[] {
	return Array.from(segmentOriginal.call(segmenter, text), ({segment}) => segment);
}

test('every character is the grapheme the segmenter finds, whichever way the text is read', () => {
	const texts = [
		'10.0.0.7  miner  HIGH  stratum  3.2 MB',
		'bitcoin-p2p ▁▂▃▄▅▆▇█░ 12/s · 3 × 4 … ← ↑ → ↓ − ─ ▲ ▼ ◆ ▶ ✓ ✖ µ – — •',
		'line\r\nnext\r',
		'tab\there\u0007bell\u0000nul\u007Fdel',
		'cafe\u0301 and e\u0301',
		'agent\u200Dname and 👨‍👩‍👧 and 🇩🇪',
		'☀\uFE0F sun, 中文 wide, ⌚ watch',
		'\u0645\u0600\u0661 prepend',
	];
	for (const text of texts) {
		assert.deepEqual(characters(text).map(character => character.value), graphemes(text), JSON.stringify(text));
	}
});

test('wide characters are marked full width on both paths', () => {
	assert.deepEqual(characters('a⌚b').map(character => character.fullWidth), [false, true, false]);
	assert.deepEqual(characters('中e\u0301').map(character => character.fullWidth), [true, false]);
});

test('ASCII and the UI glyphs are read without Intl.Segmenter; text that may join still uses it', () => {
	characters(`${sgr(31)}●HIGH${sgr(39)} 10.0.0.7 ▁▂▃█ → 203.0.113.7:3333 · ✓\r\n`);
	assert.equal(segmentCalls, 0);
	characters('cafe\u0301');
	assert.equal(segmentCalls, 1);
});

test('Ink itself draws a coloured line without Intl.Segmenter: the copy of the tokenizer Ink loads is the patched one', () => {
	// ASCII only: Ink also measures each distinct non-ASCII character of a frame once, through string-width.
	const line = [{text: 'HIGH', style: {color: 'red', bold: true}}, ' 10.0.0.7 -> 203.0.113.7:3333 ', {text: 'stratum', style: {color: 'cyan'}}];
	const ui = render(createElement(Box, {width: 60}, createElement(ScreenLine, {line, width: 60})));
	const frame = ui.lastFrame() ?? '';
	ui.unmount();
	assert.match(frame, /HIGH 10\.0\.0\.7 -> 203\.0\.113\.7:3333 stratum/);
	assert.equal(segmentCalls, 0);
});

test('escape codes split from the text as before: an invalid one stays as characters', () => {
	const tokens = tokenize(`a${sgr(1)}${sgr(31)}b\u001B[xy\u001B]8;;https://example.net\u0007c`);
	assert.deepEqual(tokens.map(token => token.type === 'char' ? token.value : token.code), [
		'a', sgr(1), sgr(31), 'b', '\u001B', '[', 'x', 'y', '\u001B]8;;https://example.net\u0007', 'c',
	]);
	assert.equal(tokenize('abcdef', 3).length, 3);
});

test('styled text comes back with the fewest codes between style runs', () => {
	const roundTrip = (text: string) => styledCharsToString(styledCharsFromTokens(tokenize(text)));
	assert.equal(roundTrip(`${sgr(31)}ab${sgr(39)}cd`), `${sgr(31)}ab${sgr(39)}cd`);
	assert.equal(roundTrip(`${sgr(1)}${sgr(2)}x${sgr(22)}y`), `${sgr(1)}${sgr(2)}x${sgr(22)}y`);
	assert.equal(roundTrip(`${sgr(32)}ok${sgr(0)} plain ${sgr(7)}inv`), `${sgr(32)}ok${sgr(39)} plain ${sgr(7)}inv${sgr(27)}`);
	assert.equal(roundTrip('no styles at all'), 'no styles at all');
});
