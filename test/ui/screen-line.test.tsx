import {test} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import {Box} from 'ink';
import {ScreenLine, fillLine, skeletonOf, type Line} from '../../source/ui/screen-line.js';

function frameOf(line: Line, width: number): string {
	const ui = render(<Box width={width}><ScreenLine line={line} width={width}/></Box>);
	const frame = ui.lastFrame() ?? '';
	ui.unmount();
	return frame;
}

test('the UI glyphs are drawn in place, and text that was a stand-in character all along stays', () => {
	const frame = frameOf([{text: '▲ HIGH', style: {color: 'red', bold: true}}, ' 10.0.0.7 (#1 rig) → 203.0.113.7 · ', {text: '▁▄█', style: {color: 'cyan'}}], 80);
	assert.equal(frame, '▲ HIGH 10.0.0.7 (#1 rig) → 203.0.113.7 · ▁▄█');
});

test('characters the UI does not own (names from the network) are kept and measured by Ink', () => {
	const frame = frameOf(['─ ', 'mineur-café 矿工 ', {text: '◆ MED', style: {color: 'yellow'}}], 40);
	assert.equal(frame, '─ mineur-café 矿工 ◆ MED');
});

test('a line longer than its width is cut with an ellipsis and never wraps onto a second line', () => {
	const frame = frameOf([{text: '▲ HIGH', style: {color: 'red'}}, ' ' + 'x'.repeat(40), ' → peer'], 20);
	assert.equal(frame, '▲ HIGH ' + 'x'.repeat(12) + '…');
	assert.equal(frame.split('\n').length, 1);
});

test('control characters in a segment never reach the terminal, whoever built the segment', () => {
	const frame = frameOf(['name \u001B]0;pwned\u0007 \u001B[2J end'], 40);
	assert.equal(frame, 'name \ufffd]0;pwned\ufffd \ufffd[2J end');
});

test('a skeleton keeps the width and length of ASCII and UI glyphs; other characters have none', () => {
	assert.equal(skeletonOf('10.0.0.7 ▲ HIGH'), '#'.repeat(15));
	assert.equal(skeletonOf('café'), undefined);
	assert.equal(skeletonOf('rig 😀'), undefined);
});

test('a name whose width the UI undercounts (an emoji presentation) is cut by Ink and stays on one line', () => {
	const frame = frameOf([{text: '▲ HIGH', style: {color: 'red'}}, ' sun\u2600\ufe0f' + 'x'.repeat(20)], 16);
	assert.equal(frame.split('\n').length, 1);
	assert.ok(frame.startsWith('▲ HIGH sun\u2600\ufe0f'), frame);
});

test('a skeleton line is filled with its text between the SGR codes of nested styles', () => {
	const text = '▲ HIGH 10.0.0.7 → █';
	const styled = '\u001B[31m\u001B[1m######\u001B[22m\u001B[39m########### \u001B[36m#\u001B[39m';
	assert.equal(fillLine(styled, text), '\u001B[31m\u001B[1m▲ HIGH\u001B[22m\u001B[39m 10.0.0.7 → \u001B[36m█\u001B[39m');
	assert.equal(fillLine('#####', 'plain'), 'plain');
});
