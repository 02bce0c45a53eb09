// Newline-delimited JSON read incrementally from one direction of a reassembled TCP stream, for the
// line protocols (Stratum v1 and its dialects). Parsing real JSON, not matching substrings, is what
// makes key order and whitespace irrelevant.
import type {FlowView, Side} from '../flows/flow-view.js';

const utf8 = new TextDecoder('utf-8', {fatal: false});
const newline = 0x0a;
/** Longer than any Stratum line seen in the wild (a notify with a long merkle branch is ~3 KB). */
const maxLineBytes = 8192;

export type JsonObject = Record<string, unknown>;

/** Where one direction's reading stands. */
export interface LineCursor {
	/** Bytes of the stream already consumed. */
	offset: number;
	/** The stream is not JSON lines (its first line does not start with '{'). */
	rejected: boolean;
	/** The first line may be a fragment (the capture joined mid-connection): skip it. */
	skipFirst: boolean;
	started: boolean;
}

export function newLineCursor(flow: FlowView): LineCursor {
	return {offset: 0, rejected: false, skipFirst: !flow.sawSyn, started: false};
}

/**
 * Calls `visit` for each complete new line of `side` that parses as a JSON object; stops early when
 * `visit` returns false. A first line that does not open with '{' rejects the direction.
 */
export function readJsonLines(flow: FlowView, side: Side, cursor: LineCursor, visit: (message: JsonObject) => boolean): void {
	if (cursor.rejected) return;
	const stream = flow.stream(side);
	let start = cursor.offset;
	while (start < stream.length) {
		const end = stream.indexOf(newline, start);
		if (end < 0) {
			if (stream.length - start > maxLineBytes) cursor.rejected = true;
			else if (!cursor.started && !cursor.skipFirst && !opensObject(stream, start, stream.length)) cursor.rejected = true;
			break;
		}
		const lineStart = start;
		start = end + 1;
		cursor.offset = start;
		if (cursor.skipFirst) {
			cursor.skipFirst = false;
			continue;
		}
		if (isBlank(stream, lineStart, end)) continue;
		if (!opensObject(stream, lineStart, end)) {
			if (!cursor.started) {
				cursor.rejected = true;
				return;
			}
			continue;
		}
		cursor.started = true;
		const message = parseObject(stream.subarray(lineStart, end));
		if (message !== undefined && !visit(message)) return;
	}
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
	for (let index = start; index < end; index++) {
		const byte = bytes[index]!;
		if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
	}
	return true;
}

/** The first non-whitespace byte is '{' (or there is none yet). */
function opensObject(bytes: Uint8Array, start: number, end: number): boolean {
	for (let index = start; index < end; index++) {
		const byte = bytes[index]!;
		if (byte === 0x7b) return true;
		if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
	}
	return true;
}

export function parseObject(bytes: Uint8Array): JsonObject | undefined {
	try {
		const value: unknown = JSON.parse(utf8.decode(bytes));
		return isObject(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
