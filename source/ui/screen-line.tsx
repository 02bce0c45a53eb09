// One screen line: styled segments drawn by one Ink text node. Ink measures every text node on
// every frame with string-width, which runs Intl.Segmenter over each character of a line that
// holds any non-ASCII character (about 1.5 µs a character: one 200-column rule costs 0.3 ms, a
// frame of glyph-marked lines 10–20 ms). So the UI's own glyphs (severity marks, rules, arrows,
// sparkline blocks), all one column wide, are laid out as ASCII stand-ins and put back by a
// Transform just before Ink writes the line. Text from the network keeps its characters and is
// measured by Ink as before; a screen reader gets the real text.
import {Text, Transform, type TextProps} from 'ink';
import {clip, displayWidth} from './display-text.js';

export type LineStyle = Pick<TextProps, 'color' | 'bold' | 'dimColor' | 'inverse' | 'underline'>;

export interface Segment {
	text: string;
	style?: LineStyle;
}

/** A line's pieces in order; a plain string is an unstyled segment. */
export type Line = ReadonlyArray<Segment | string>;

interface Glyph {
	/** Index of the stand-in among the line's visible characters (code points). */
	position: number;
	character: string;
}

const uiGlyphs = new Set('─▶▲▼✖◆•·→←↑↓×…–—−✓█░▁▂▃▄▅▆▇');
const standIn = '#';
const standInCode = standIn.charCodeAt(0);
const escapeCode = 0x1B;
const printableAscii = /^[\u0020-\u007E]*$/;

interface Layout {
	/** The segments' text with stand-ins, in order. */
	texts: string[];
	glyphs: Glyph[];
	plain: string;
}

/** Cut where the line reaches `width`, as Ink's truncation would, so a line never wraps. */
function fitSegments(line: Line, width: number): string[] {
	const texts: string[] = [];
	let used = 0;
	for (const segment of line) {
		const text = typeof segment === 'string' ? segment : segment.text;
		const textWidth = displayWidth(text);
		if (used + textWidth > width) {
			if (width > used) {
				texts.push(clip(text, width - used));
			}

			break;
		}

		texts.push(text);
		used += textWidth;
	}

	return texts;
}

function layOut(fitted: readonly string[]): Layout {
	const texts: string[] = [];
	const glyphs: Glyph[] = [];
	let plain = '';
	let position = 0;
	for (const text of fitted) {
		plain += text;
		if (printableAscii.test(text)) {
			texts.push(text);
			position += text.length;
			continue;
		}

		let laidOut = '';
		for (const character of text) {
			if (uiGlyphs.has(character)) {
				glyphs.push({position, character});
				laidOut += standIn;
			} else {
				laidOut += character;
			}

			position++;
		}

		texts.push(laidOut);
	}

	return {texts, glyphs, plain};
}

/** Puts the glyphs back in a line as Ink hands it over: stand-ins amid the SGR codes of its styles. */
export function restoreGlyphs(line: string, glyphs: readonly Glyph[]): string {
	let restored = '';
	let copiedUpTo = 0;
	let visible = 0;
	let next = 0;
	for (let index = 0; index < line.length && next < glyphs.length; index++) {
		const code = line.charCodeAt(index);
		if (code === escapeCode) {
			const end = line.indexOf('m', index);
			if (end === -1) {
				break;
			}

			index = end;
			continue;
		}

		const glyph = glyphs[next]!;
		if (visible === glyph.position) {
			if (code === standInCode) {
				restored += line.slice(copiedUpTo, index) + glyph.character;
				copiedUpTo = index + 1;
			}

			next++;
		}

		if (code >= 0xD8_00 && code <= 0xDB_FF) {
			index++;
		}

		visible++;
	}

	return copiedUpTo === 0 ? line : restored + line.slice(copiedUpTo);
}

export interface ScreenLineProps {
	line: Line;
	/** Columns available: the line is cut there. */
	width: number;
	/** Applies to the whole line, e.g. the selection's inverse. */
	style?: LineStyle;
}

export function ScreenLine({line, width, style}: ScreenLineProps) {
	const {texts, glyphs, plain} = layOut(fitSegments(line, width));
	const children = texts.map((text, index) => {
		const segment = line[index]!;
		return typeof segment === 'string' || segment.style === undefined ? text : <Text key={index} {...segment.style}>{text}</Text>;
	});
	const content = style === undefined ? children : <Text {...style}>{children}</Text>;
	if (glyphs.length === 0) {
		return <Transform transform={keepLine} accessibilityLabel={plain}>{content}</Transform>;
	}

	return <Transform transform={line => restoreGlyphs(line, glyphs)} accessibilityLabel={plain}>{content}</Transform>;
}

function keepLine(line: string): string {
	return line;
}
