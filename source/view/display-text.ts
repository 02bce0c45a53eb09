// Column fitting by display width. The worker has already sanitized network text; replacing any
// control or bidi character that still slipped through is the last line of defence, because Ink
// passes OSC, CR, BS, BEL and bidi overrides straight to the terminal.
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const printableAscii = /^[\u0020-\u007e]*$/;

/** Only printable ASCII: one column a character, as every width measure agrees. */
export function isPrintableAscii(text: string): boolean {
	return printableAscii.test(text);
}

export function scrubControls(text: string): string {
	return text.replace(unsafeCharacters, '\ufffd');
}

function isZeroWidth(codePoint: number): boolean {
	return (codePoint >= 0x0300 && codePoint <= 0x036f)
		|| (codePoint >= 0x200b && codePoint <= 0x200f)
		|| (codePoint >= 0xfe00 && codePoint <= 0xfe0f);
}

function isWide(codePoint: number): boolean {
	return (codePoint >= 0x1100 && codePoint <= 0x115f)
		|| (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f)
		|| (codePoint >= 0xac00 && codePoint <= 0xd7a3)
		|| (codePoint >= 0xf900 && codePoint <= 0xfaff)
		|| (codePoint >= 0xfe30 && codePoint <= 0xfe4f)
		|| (codePoint >= 0xff00 && codePoint <= 0xff60)
		|| (codePoint >= 0xffe0 && codePoint <= 0xffe6)
		|| (codePoint >= 0x1f300 && codePoint <= 0x1f64f)
		|| (codePoint >= 0x1f900 && codePoint <= 0x1f9ff)
		|| (codePoint >= 0x20000 && codePoint <= 0x3fffd);
}

function codePointWidth(codePoint: number): number {
	if (isZeroWidth(codePoint)) {
		return 0;
	}

	return isWide(codePoint) ? 2 : 1;
}

export function displayWidth(text: string): number {
	if (isPrintableAscii(text)) {
		return text.length;
	}

	let width = 0;
	for (const character of text) {
		width += codePointWidth(character.codePointAt(0) ?? 0);
	}

	return width;
}

function truncate(text: string, width: number): string {
	let used = 0;
	let result = '';
	for (const character of text) {
		const characterWidth = codePointWidth(character.codePointAt(0) ?? 0);
		if (used + characterWidth > width - 1) {
			break;
		}

		used += characterWidth;
		result += character;
	}

	return result + '…' + ' '.repeat(Math.max(0, width - 1 - used));
}

/** Exactly `width` columns: padded on the right (or left), or cut with an ellipsis. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) {
		return '';
	}

	const safe = scrubControls(text);
	const textWidth = displayWidth(safe);
	if (textWidth > width) {
		return truncate(safe, width);
	}

	const padding = ' '.repeat(width - textWidth);
	return align === 'left' ? safe + padding : padding + safe;
}

/** At most `width` columns, never padded. */
export function clip(text: string, width: number): string {
	const safe = scrubControls(text);
	return displayWidth(safe) > width ? truncate(safe, width).trimEnd() : safe;
}
