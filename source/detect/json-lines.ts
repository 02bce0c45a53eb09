// Newline-delimited JSON read incrementally from one direction of a reassembled TCP stream, for the
// line protocols (Stratum v1 and its dialects). Parsing real JSON, not matching substrings, is what
// makes key order and whitespace irrelevant.
import type {FlowView} from '../flows/flow-view.js';
import {methodOfLine, type LineMethod} from './json-method.js';

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
 * The next complete line of `stream` (one direction of a flow) that parses as a JSON object, or
 * undefined when no complete line is left. A first line that does not open with '{' rejects the
 * direction; later lines that are not objects are skipped.
 */
export function nextJsonLine(stream: Uint8Array, cursor: LineCursor): JsonObject | undefined {
	if (cursor.rejected) return undefined;
	let start = cursor.offset;
	while (start < stream.length) {
		const end = stream.indexOf(newline, start);
		if (end < 0) {
			if (stream.length - start > maxLineBytes) cursor.rejected = true;
			else if (!cursor.started && !cursor.skipFirst && !opensObject(stream, start, stream.length)) cursor.rejected = true;
			return undefined;
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
				return undefined;
			}
			continue;
		}
		cursor.started = true;
		const message = parseObject(stream.subarray(lineStart, end));
		if (message !== undefined) return message;
	}
	return undefined;
}

/**
 * The `method` of the first message `nextJsonLine` would return for a stream read from its start,
 * found without parsing when the first line allows (see `methodOfLine`; undefined otherwise).
 */
export function firstLineMethod(stream: Uint8Array): LineMethod {
	for (let start = 0; start < stream.length; ) {
		const end = stream.indexOf(newline, start);
		if (end < 0) return undefined;
		if (!isBlank(stream, start, end)) return methodOfLine(stream, start, end);
		start = end + 1;
	}
	return undefined;
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
