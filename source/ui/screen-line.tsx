// One screen line: styled segments drawn by one Ink text node, laid out as a skeleton of the same
// width and filled with its text by a Transform as Ink writes the line. Two Ink costs make this
// worth it on a frame redrawn twice a second:
// - Ink measures every text node on every frame with string-width, which runs Intl.Segmenter over
//   each character of a line holding any non-ASCII character (about 1.5 µs a character: one
//   200-column rule costs 0.3 ms, a frame of glyph-marked lines 10–20 ms). The skeleton stands
//   the UI's own glyphs (severity marks, rules, arrows, sparkline blocks, all one column wide) and
//   ASCII in for `#`, which string-width measures on its ASCII path.
// - Ink 6 keeps every distinct text it ever measured (vadimdemedes/ink#986); skeletons repeat from
//   frame to frame where the text does not, so a long-running monitor does not grow with them.
// A line holding other characters (network text that is not ASCII) is left to Ink to measure and
// cut, as before; a screen reader gets the real text either way.
import {Text, Transform, type TextProps} from 'ink';
import {clip, displayWidth, isPrintableAscii, scrubControls} from '../view/display-text.js';

export type LineStyle = Pick<TextProps, 'color' | 'bold' | 'dimColor' | 'inverse' | 'underline'>;

export interface Segment {
	text: string;
	style?: LineStyle;
}

/** A line's pieces in order; a plain string is an unstyled segment. */
export type Line = ReadonlyArray<Segment | string>;

const uiGlyphs = new Set('─▶▲▼✖◆•·→←↑↓×…–—−✓█░▁▂▃▄▅▆▇');
const standIn = '#';
const escape = '\u001B';

/**
 * Cut where the line reaches `width`, as Ink's truncation would, so a line never wraps. Control
 * characters are replaced here, whoever built the segments: the text is put back after Ink's own
 * escape-sequence filter has run.
 */
function fitSegments(line: Line, width: number): string[] {
	const texts: string[] = [];
	let used = 0;
	for (const segment of line) {
		const text = scrubControls(typeof segment === 'string' ? segment : segment.text);
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

/**
 * `#` for each character: the same width and length, provided every character is printable ASCII
 * or a UI glyph, whose width is one column for the UI and Ink alike. Anything else (text from the
 * network, whose width only Ink knows for sure) has no skeleton.
 */
export function skeletonOf(text: string): string | undefined {
	if (isPrintableAscii(text)) {
		return standIn.repeat(text.length);
	}

	let skeleton = '';
	for (const character of text) {
		if (character >= '\u007F' && !uiGlyphs.has(character)) {
			return undefined;
		}

		skeleton += standIn;
	}

	return skeleton;
}

/**
 * Fills a skeleton line, as Ink hands it over with the SGR codes of its styles, with `text`. A
 * skeleton has the text's UTF-16 length, so each run between codes takes the next slice of it.
 */
export function fillLine(line: string, text: string): string {
	let filled = '';
	let runStart = 0;
	let textIndex = 0;
	let codeStart = line.indexOf(escape);
	while (codeStart !== -1) {
		const codeEnd = line.indexOf('m', codeStart);
		if (codeEnd === -1) {
			break;
		}

		filled += text.slice(textIndex, textIndex + codeStart - runStart) + line.slice(codeStart, codeEnd + 1);
		textIndex += codeStart - runStart;
		runStart = codeEnd + 1;
		codeStart = line.indexOf(escape, runStart);
	}

	return filled + text.slice(textIndex, textIndex + line.length - runStart);
}

export interface ScreenLineProps {
	line: Line;
	/** Columns available: the line is cut there. */
	width: number;
	/** Applies to the whole line, e.g. the selection's inverse. */
	style?: LineStyle;
}

/** A style that changes nothing costs Ink a node and a colouring pass each frame all the same. */
function styles(style: LineStyle | undefined): style is LineStyle {
	return style !== undefined && (style.color !== undefined || style.bold === true || style.dimColor === true || style.inverse === true || style.underline === true);
}

export function ScreenLine({line, width, style}: ScreenLineProps) {
	const texts = fitSegments(line, width);
	const skeletons = texts.map(text => skeletonOf(text));
	const laidOut = skeletons.every(skeleton => skeleton !== undefined);
	const children = texts.map((text, index) => {
		const segment = line[index]!;
		const shown = laidOut ? skeletons[index]! : text;
		return typeof segment !== 'string' && styles(segment.style) ? <Text key={index} {...segment.style}>{shown}</Text> : shown;
	});
	if (!laidOut) {
		// Ink measures this line itself, and cuts it should its width differ from the UI's count.
		return <Text wrap="truncate" {...(styles(style) ? style : {})}>{children}</Text>;
	}

	const plain = texts.join('');
	return (
		<Transform transform={skeleton => fillLine(skeleton, plain)} accessibilityLabel={plain}>
			{styles(style) ? <Text {...style}>{children}</Text> : children}
		</Transform>
	);
}
