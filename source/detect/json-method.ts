// The method a JSON-RPC line calls, found by validating the line's JSON byte by byte without
// building any value: what a full JSON.parse would say `method` is, at a fraction of the cost, for
// the many plain JSON-RPC connections that are settled by their first call.

/**
 * The top-level `method` string; null when the line is a JSON object with no string `method`;
 * undefined when only a parse could tell (invalid JSON, escapes where it matters, deep nesting).
 */
export type LineMethod = string | null | undefined;

/** Nesting that deep is left to JSON.parse. */
const maxDepth = 32;

/**
 * The `method` of the JSON object filling bytes[start, end) (blanks around it allowed), as
 * `JSON.parse(line).method` gives it. A method with escapes or non-ASCII characters and escaped
 * keys (one could spell "method") are left to the parse, like any invalid JSON.
 */
export function methodOfLine(bytes: Uint8Array, start: number, end: number): LineMethod {
	const scan = new Scan(bytes, end);
	scan.at = start;
	scan.skipBlanks();
	if (bytes[scan.at] !== 0x7b) return undefined;
	let method: LineMethod = null;
	scan.at++;
	scan.skipBlanks();
	if (bytes[scan.at] === 0x7d) {
		scan.at++;
	} else {
		for (;;) {
			const keyStart = scan.at + 1;
			if (!scan.string()) return undefined;
			if (scan.escaped) return undefined;
			const isMethod = isMethodKey(bytes, keyStart, scan.at - 1);
			scan.skipBlanks();
			if (bytes[scan.at] !== 0x3a) return undefined;
			scan.at++;
			scan.skipBlanks();
			const valueStart = scan.at;
			if (!scan.value(1)) return undefined;
			if (isMethod) method = bytes[valueStart] === 0x22 ? plainText(bytes, valueStart + 1, scan.at - 1, scan.escaped) : null;
			scan.skipBlanks();
			const next = bytes[scan.at];
			scan.at++;
			if (next === 0x7d) break;
			if (next !== 0x2c) return undefined;
			scan.skipBlanks();
		}
	}
	scan.skipBlanks();
	return scan.at === end ? method : undefined;
}

function isMethodKey(bytes: Uint8Array, start: number, end: number): boolean {
	return end - start === 6 && bytes[start] === 0x6d && bytes[start + 1] === 0x65 && bytes[start + 2] === 0x74
		&& bytes[start + 3] === 0x68 && bytes[start + 4] === 0x6f && bytes[start + 5] === 0x64;
}

/** Windows-1252 in fact, the same as ASCII for the bytes it is given. */
const ascii = new TextDecoder('ascii');

/** The string's text when it is plain ASCII without escapes (made in one piece, not a character at a time). */
function plainText(bytes: Uint8Array, start: number, end: number, escaped: boolean): LineMethod {
	if (escaped) return undefined;
	for (let index = start; index < end; index++) if (bytes[index]! >= 0x80) return undefined;
	return ascii.decode(bytes.subarray(start, end));
}

/** A cursor through one line; each method consumes one piece of JSON and says whether it was valid. */
class Scan {
	at = 0;
	/** The last string read held an escape. */
	escaped = false;

	constructor(private readonly bytes: Uint8Array, private readonly end: number) {}

	skipBlanks(): void {
		const bytes = this.bytes;
		while (this.at < this.end) {
			const byte = bytes[this.at];
			if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return;
			this.at++;
		}
	}

	value(depth: number): boolean {
		if (this.at >= this.end) return false;
		switch (this.bytes[this.at]) {
			case 0x22:
				return this.string();
			case 0x7b:
				return this.object(depth + 1);
			case 0x5b:
				return this.array(depth + 1);
			case 0x74:
				return this.word('true');
			case 0x66:
				return this.word('false');
			case 0x6e:
				return this.word('null');
			default:
				return this.number();
		}
	}

	/** A string from its opening quote; invalid on control characters or a bad escape. */
	string(): boolean {
		const bytes = this.bytes;
		if (bytes[this.at] !== 0x22) return false;
		this.escaped = false;
		this.at++;
		while (this.at < this.end) {
			const byte = bytes[this.at++]!;
			if (byte === 0x22) return true;
			if (byte < 0x20) return false;
			if (byte !== 0x5c) continue;
			this.escaped = true;
			const escape = bytes[this.at++];
			if (escape === 0x75) {
				for (let digit = 0; digit < 4; digit++) if (!isHexDigit(bytes[this.at++])) return false;
			} else if (escape !== 0x22 && escape !== 0x5c && escape !== 0x2f && escape !== 0x62 && escape !== 0x66 && escape !== 0x6e && escape !== 0x72 && escape !== 0x74) {
				return false;
			}
		}
		return false;
	}

	private object(depth: number): boolean {
		if (depth > maxDepth) return false;
		this.at++;
		this.skipBlanks();
		if (this.bytes[this.at] === 0x7d) {
			this.at++;
			return true;
		}
		for (;;) {
			if (!this.string()) return false;
			this.skipBlanks();
			if (this.bytes[this.at] !== 0x3a) return false;
			this.at++;
			this.skipBlanks();
			if (!this.value(depth)) return false;
			this.skipBlanks();
			const next = this.bytes[this.at++];
			if (next === 0x7d) return true;
			if (next !== 0x2c) return false;
			this.skipBlanks();
		}
	}

	private array(depth: number): boolean {
		if (depth > maxDepth) return false;
		this.at++;
		this.skipBlanks();
		if (this.bytes[this.at] === 0x5d) {
			this.at++;
			return true;
		}
		for (;;) {
			if (!this.value(depth)) return false;
			this.skipBlanks();
			const next = this.bytes[this.at++];
			if (next === 0x5d) return true;
			if (next !== 0x2c) return false;
			this.skipBlanks();
		}
	}

	private word(word: string): boolean {
		if (this.at + word.length > this.end) return false;
		for (let index = 0; index < word.length; index++) if (this.bytes[this.at + index] !== word.charCodeAt(index)) return false;
		this.at += word.length;
		return true;
	}

	/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
	private number(): boolean {
		const bytes = this.bytes;
		if (bytes[this.at] === 0x2d) this.at++;
		if (bytes[this.at] === 0x30) this.at++;
		else if (!this.digits()) return false;
		if (bytes[this.at] === 0x2e) {
			this.at++;
			if (!this.digits()) return false;
		}
		if (bytes[this.at] === 0x65 || bytes[this.at] === 0x45) {
			this.at++;
			if (bytes[this.at] === 0x2b || bytes[this.at] === 0x2d) this.at++;
			if (!this.digits()) return false;
		}
		return this.at <= this.end;
	}

	private digits(): boolean {
		const from = this.at;
		while (this.at < this.end && isDigit(this.bytes[this.at])) this.at++;
		return this.at > from;
	}
}

function isDigit(byte: number | undefined): boolean {
	return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function isHexDigit(byte: number | undefined): boolean {
	return isDigit(byte) || (byte !== undefined && ((byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)));
}
