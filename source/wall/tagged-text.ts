// Text for blessed widgets that parse tags. Lines are built as segments so colour comes only from
// our own tags: every segment's text, which may hold network strings, has its braces escaped.

/** A blessed colour name, e.g. `red`, `light-red`, `gray`. */
export type TagColor = string;

export interface Segment {
	text: string;
	color?: TagColor;
	bold?: boolean;
}

export function escapeTags(text: string): string {
	return text.replace(/[{}]/g, brace => brace === '{' ? '{open}' : '{close}');
}

export function taggedLine(segments: readonly Segment[]): string {
	let line = '';
	for (const {text, color, bold} of segments) {
		let tagged = escapeTags(text);
		if (color !== undefined) {
			tagged = `{${color}-fg}${tagged}{/${color}-fg}`;
		}

		if (bold) {
			tagged = `{bold}${tagged}{/bold}`;
		}

		line += tagged;
	}

	return line;
}

