import {test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {harness} from './support/engine-harness.js';

function post(body: string, extraHeaders = ''): string {
	return `POST / HTTP/1.1\r\nHost: pool.example:8332\r\nContent-Type: application/json\r\n${extraHeaders}Content-Length: ${Buffer.byteLength(body)}\r\nUser-Agent: cgminer/4.12.1\r\n\r\n${body}`;
}

test('getwork over HTTP is mining, confirmed by the X-Stratum response header', () => {
	const {open, send, latest} = harness();
	const flow = open({serverPort: 8332});
	send(flow, 'client', post('{"method": "getwork", "params": [], "id": 0}', 'X-Mining-Extensions: longpoll midstate rollntime submitold\r\n'));
	assert.equal(latest().length, 0, 'the request is held while its response is moments away');
	send(flow, 'server', 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Stratum: stratum+tcp://pool.example:3333\r\nX-Long-Polling: /LP\r\nContent-Length: 27\r\n\r\n{"result":{},"error":null}\n');
	const [alert] = latest();
	assert.equal(alert?.detection, 'mining');
	assert.equal(alert?.protocol, 'getwork');
	assert.equal(alert?.certainty, 95);
	assert.equal(alert?.agent, 'cgminer/4.12.1');
	assert.ok(alert?.evidence.includes('content: HTTP JSON-RPC call getwork'));
	assert.ok(alert?.evidence.includes('content: HTTP response header x-stratum: stratum+tcp://pool.example:3333'));
	assert.equal(flow.family, 'getwork');
});

for (const method of ['getblocktemplate', 'submitblock', 'get_block_template', 'eth_getWork']) {
	test(`HTTP JSON-RPC ${method} is mining on any port`, () => {
		const {open, send, end, latest} = harness();
		const flow = open({serverPort: 18_081});
		send(flow, 'client', post(JSON.stringify({jsonrpc: '2.0', id: '0', method, params: {wallet_address: '4...', reserve_size: 60}})));
		end(flow);
		assert.equal(latest()[0]?.protocol, 'getwork');
		assert.equal(latest()[0]?.certainty, 80);
	});
}

test('node RPC that is not mining is left alone', () => {
	const {open, send, alerts} = harness();
	const flow = open({serverPort: 8332});
	send(flow, 'client', post('{"jsonrpc":"1.0","id":"c","method":"getblockchaininfo","params":[]}'));
	send(flow, 'server', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
	assert.deepEqual(alerts, []);
});

function sv2Flow(clientKey: Uint8Array, replyBytes: number, serverPort: number) {
	const h = harness();
	const flow = h.open({serverPort});
	h.send(flow, 'client', clientKey);
	h.send(flow, 'server', randomBytes(replyBytes));
	h.send(flow, 'client', randomBytes(22 + 80 + 16));
	return h;
}

test('Stratum V2 handshake shape (64 then 234 bytes) is low-certainty mining', () => {
	const plain = sv2Flow(randomBytes(64), 234, 40_000).latest();
	assert.equal(plain[0]?.protocol, 'stratum-v2');
	assert.equal(plain[0]?.certainty, 30);
	assert.equal(plain[0]?.severity, 'medium');
	assert.ok(plain[0]?.evidence[0]?.startsWith('shape:'));
	const onPort = sv2Flow(randomBytes(64), 234, 34_254).latest();
	assert.equal(onPort[0]?.certainty, 45);
	assert.deepEqual(onPort[0]?.evidence.slice(1), ['port: 34254 is a Stratum V2 port']);
});

test('other first-flight sizes, or non-random 64 bytes, are not Stratum V2; nor is the port alone', () => {
	assert.deepEqual(sv2Flow(randomBytes(64), 233, 3336).alerts, []);
	assert.deepEqual(sv2Flow(randomBytes(65), 234, 3336).alerts, []);
	assert.deepEqual(sv2Flow(new Uint8Array(64).fill(0x41), 234, 3336).alerts, []);
	const h = harness();
	const flow = h.open({serverPort: 3336});
	h.send(flow, 'client', 'hello\n');
	h.send(flow, 'server', 'world\n');
	assert.deepEqual(h.alerts, []);
});
