import {test} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import {Box} from 'ink';
import {ScreenLine, restoreGlyphs, type Line} from '../../source/ui/screen-line.js';

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

test('glyphs are put back between the SGR codes of nested styles, counting only visible characters', () => {
	const glyphs = [{position: 0, character: '▲'}, {position: 7, character: '→'}, {position: 9, character: '█'}];
	const styled = '\u001B[31m\u001B[1m# HIGH\u001B[22m\u001B[39m # \u001B[36m#\u001B[39m';
	assert.equal(restoreGlyphs(styled, glyphs), '\u001B[31m\u001B[1m▲ HIGH\u001B[22m\u001B[39m → \u001B[36m█\u001B[39m');
});

test('a position that no longer holds a stand-in (Ink cut the line) is left alone', () => {
	assert.equal(restoreGlyphs('ab…', [{position: 2, character: '→'}]), 'ab…');
	assert.equal(restoreGlyphs('abc', []), 'abc');
});
