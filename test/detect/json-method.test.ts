import {test} from 'node:test';
import assert from 'node:assert/strict';
import {methodOfLine} from '../../source/detect/json-method.js';

function method(line: string): string | null | undefined {
	const bytes = new TextEncoder().encode(line);
	return methodOfLine(bytes, 0, bytes.length);
}

test('the method of a JSON-RPC call, in any key order and spacing', () => {
	assert.equal(method('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'), 'eth_blockNumber');
	assert.equal(method(' { "params" : [ 1.5e-3 , -0 , true , {"a" : [ [ ] , null ] } ] , "method" : "mining.subscribe" }\r'), 'mining.subscribe');
	assert.equal(method('{"id":7,"error":null,"result":"0x1"}'), null);
	assert.equal(method('{"method":12}'), null);
	assert.equal(method('{}'), null);
});

test('the last method key wins, as in JSON.parse', () => {
	assert.equal(method('{"method":"eth_call","method":"mining.submit"}'), 'mining.submit');
});

test('anything only a parse could read gives no verdict', () => {
	for (const line of [
		'{"\\u006dethod":"eth_call"}',
		'{"method":"eth\\u005fcall"}',
		'{"method":"é"}',
		'{"method":"eth_call",}',
		'{"method":"eth_call"} x',
		'{"method":"eth_call","n":01}',
		'{"method":"eth_call","s":"a\tb"}',
		'{"method":"eth_call","s":"\\x"}',
		'{"method":"eth_call"',
		'["method","eth_call"]',
		`{"method":"eth_call","deep":${'['.repeat(40)}${']'.repeat(40)}}`,
	]) {
		assert.equal(method(line), undefined, line);
	}
});

test('agrees with JSON.parse on every line it gives a verdict for', () => {
	const pieces = ['{', '}', '[', ']', '"', ':', ',', '\\', ' ', '0', '1', '-', '.', 'e', 'true', 'null', 'method', 'eth_call', 'u00'];
	let seed = 1;
	const next = (limit: number): number => {
		seed = (seed * 1_103_515_245 + 12_345) & 0x7fff_ffff;
		return seed % limit;
	};
	const base = '{"id":1,"method":"eth_call","params":[{"to":"0x1"},"latest",1e3,false]}';
	let verdicts = 0;
	for (let round = 0; round < 20_000; round++) {
		let line = base;
		for (let edit = next(4); edit > 0; edit--) {
			const at = next(line.length + 1);
			line = line.slice(0, at) + pieces[next(pieces.length)]! + line.slice(at + next(2));
		}
		const verdict = method(line);
		if (verdict === undefined) continue;
		verdicts++;
		const parsed: unknown = JSON.parse(line);
		assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), line);
		const value = (parsed as Record<string, unknown>)['method'];
		assert.equal(verdict, typeof value === 'string' ? value : null, line);
	}
	assert.ok(verdicts > 1000);
});
