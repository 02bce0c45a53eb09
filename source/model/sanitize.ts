// The one gate between attacker-controlled network text and anything a terminal or export shows.
// Applied once, in the worker, before the text enters an Alert, a host name or any other message.

const utf8 = new TextDecoder('utf-8', {fatal: false});

// C0, DEL, C1, format characters (bidi overrides, zero-width joiners...), line/paragraph separators
// and lone surrogates: everything that can move the cursor, reorder text or hide itself.
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}\p{Cs}]/u;

const namedEscapes: Record<number, string> = {
	0x09: '\\t',
	0x0a: '\\n',
	0x0d: '\\r',
};

/** Where toDisplay cuts by default. */
export const maxDisplayLength = 120;

/**
 * Network text made safe to print: invalid UTF-8 becomes U+FFFD, control characters become visible
 * escapes (`\x1b`, `\r`), bidi and other invisible format characters become `\u{202e}`-style text,
 * and the result is cut to `maxLength` code points, ending in '…' when cut.
 */
export function toDisplay(text: string | Uint8Array, maxLength = maxDisplayLength): string {
	const decoded = typeof text === 'string' ? text : utf8.decode(text);
	if (!unsafe.test(decoded) && decoded.length <= maxLength) return decoded;
	const pieces: string[] = [];
	const pieceLengths: number[] = [];
	let length = 0;
	for (const character of decoded) {
		const piece = escapeCharacter(character);
		const pieceLength = piece === character ? 1 : piece.length;
		if (length + pieceLength > maxLength) return withEllipsis(pieces, pieceLengths, length, maxLength);
		pieces.push(piece);
		pieceLengths.push(pieceLength);
		length += pieceLength;
	}
	return pieces.join('');
}

function escapeCharacter(character: string): string {
	if (!unsafe.test(character)) return character;
	const code = character.codePointAt(0)!;
	if (code >= 0xd800 && code <= 0xdfff) return '\uFFFD';
	const named = namedEscapes[code];
	if (named !== undefined) return named;
	if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
	return `\\u{${code.toString(16)}}`;
}

/** Drops whole characters or escapes from the end until '…' fits within `maxLength`. */
function withEllipsis(pieces: string[], pieceLengths: number[], length: number, maxLength: number): string {
	if (maxLength <= 0) return '';
	while (length + 1 > maxLength && pieces.length > 0) {
		pieces.pop();
		length -= pieceLengths.pop()!;
	}
	return `${pieces.join('')}…`;
}
