// Differential fuzzing of the JSON-RPC method scanner against JSON.parse, which it stands in for:
// whenever it answers (a method, or null for none), JSON.parse of the same line must agree; it may
// only decline (undefined). Lines are real JSON objects with a method among other keys, in any
// spacing, nesting and escaping, then possibly damaged byte by byte.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {methodOfLine} from '../../source/detect/json-method.js';
import {applyMutations, mutation} from '../support/byte-mutations.js';
import {checkProperty} from '../support/fuzz.js';

const utf8 = new TextDecoder('utf-8', {fatal: false});

/** What JSON.parse says the line's method is, in methodOfLine's terms; undefined when it is not an object. */
function parsedMethod(bytes: Uint8Array): string | null | undefined {
	let value: unknown;
	try {
		value = JSON.parse(utf8.decode(bytes));
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const method = (value as Record<string, unknown>)['method'];
	return typeof method === 'string' ? method : null;
}

const blank = fc.constantFrom('', ' ', '\t', '\r', '  ', '\n');
const key = fc.oneof(fc.constantFrom('method', 'id', 'params', 'jsonrpc', 'result', 'm\\u0065thod', 'method ', 'Method', '__proto__'), fc.string({maxLength: 8}));
const member = fc.tuple(key, fc.oneof(fc.jsonValue({maxDepth: 3}), fc.constantFrom('mining.subscribe', 'login', 'eth_submitLogin', 'x\u00e9', 'a"b', 'line\nbreak')), blank, blank);

/** A JSON object line written by hand, so keys may repeat and spacing may go anywhere JSON allows. */
const objectLine = fc.array(member, {maxLength: 6}).map((members) => {
	const body = members.map(([name, value, before, after]) => `${before}${name.includes('\\') ? `"${name}"` : JSON.stringify(name)}${after}:${before}${JSON.stringify(value) ?? 'null'}${after}`).join(',');
	return new TextEncoder().encode(`{${body}}`);
});

test('the method scanner never contradicts JSON.parse', () => {
	checkProperty(
		fc.property(objectLine, fc.array(mutation, {maxLength: 3}), blank, blank, (line, mutations, before, after) => {
			const bytes = applyMutations(new TextEncoder().encode(`${before}${utf8.decode(line)}${after}`), mutations);
			const text = utf8.decode(bytes);
			// The scanner reads one line: a line feed inside would have ended it before.
			if (text.includes('\n')) return;
			const scanned = methodOfLine(bytes, 0, bytes.length);
			if (scanned !== undefined) assert.equal(scanned, parsedMethod(bytes), `line ${JSON.stringify(text)}`);
		}),
		5000,
	);
});
