import {test} from 'node:test';
import assert from 'node:assert/strict';
import {coinhiveExchange, webminerpoolExchange, websocketChatExchange, type WebSocketSite} from '../../fixtures/builder/conversations/browser-mining.js';
import {frame, opcodes, upgradeRequest, upgradeResponse} from '../../fixtures/builder/protocols/websocket.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';
import {harness} from './support/engine-harness.js';
import {playExchange} from './support/exchange-player.js';

const proxy: WebSocketSite = {host: 'miner.example.net:8892', target: '/proxy', origin: 'http://blog.example.org'};

test('Coinhive-style WebSocket Stratum is mining, read from masked frames, fragments and pings', () => {
	for (const fragmented of [false, true]) {
		const h = harness();
		const flow = h.open({client: '10.0.0.21', server: '203.0.113.80', serverPort: 8892});
		playExchange(h, flow, coinhiveExchange(new SeededRandom(fragmented ? 2 : 1), proxy, fragmented));
		h.end(flow);
		const alerts = h.latest();
		assert.equal(alerts.length, 1, JSON.stringify(alerts));
		const alert = alerts[0]!;
		assert.deepEqual([alert.detection, alert.host, alert.peer, alert.protocol, alert.hostRole], ['mining', '10.0.0.21', '203.0.113.80', 'stratum', 'miner']);
		assert.equal(alert.certainty, 95);
		assert.deepEqual(alert.evidence, [
			'content: Coinhive-style browser-miner messages auth in masked WebSocket frames',
			'content: the service answered (authed)',
			'content: WebSocket upgrade to miner.example.net/proxy',
		]);
		assert.equal(alert.worker?.length, 32, 'the site key');
		assert.equal(alert.peerName, 'miner.example.net');
		assert.equal(flow.classified, true, 'settled once both sides spoke');
	}
});

test('webminerpool-style WebSocket Stratum is mining, the wallet its worker, the algorithm from the job', () => {
	const h = harness();
	const flow = h.open({client: '10.0.0.22', server: '198.51.100.90', serverPort: 80});
	playExchange(h, flow, webminerpoolExchange(new SeededRandom(3), {host: 'webminer.moneroocean.stream', target: '/', origin: 'https://shop.example.com'}));
	h.end(flow);
	const [alert, ...others] = h.latest();
	assert.deepEqual(others, []);
	assert.equal(alert?.detection, 'mining');
	assert.ok(alert?.worker?.startsWith('4'), alert?.worker);
	assert.equal(alert?.algorithm, 'cn');
	assert.deepEqual(alert?.evidence, [
		'content: webminerpool-style browser-miner messages handshake in masked WebSocket frames',
		'content: the service answered (job)',
		'content: WebSocket upgrade to webminer.moneroocean.stream/',
		'reputation: WebSocket host webminer.moneroocean.stream is a browser-mining service (webminer.moneroocean.stream)',
	]);
});

test('a WebSocket chat with auth, authed, submit and a "job" of its own is not mining', () => {
	const h = harness();
	const flow = h.open({client: '10.0.0.23', server: '198.51.100.91', serverPort: 80});
	playExchange(h, flow, websocketChatExchange(new SeededRandom(4), {host: 'chat.example.com', target: '/socket', origin: 'https://chat.example.com'}));
	h.end(flow);
	assert.deepEqual(h.alerts, []);
});

test('plain HTTP, an upgrade refused, and unmasked client frames are not read as browser mining', () => {
	const random = new SeededRandom(5);
	const submit = Buffer.from(JSON.stringify({type: 'submit', params: {job_id: 'a1', nonce: '00ff00ff', result: 'ab'.repeat(32)}}));
	const authed = Buffer.from(JSON.stringify({type: 'authed', params: {token: '', hashes: 0}}));
	const cases: [string, () => [Buffer, Buffer, Buffer]][] = [
		['plain GET', () => [Buffer.from('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'), Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), frame(opcodes.text, authed)]],
		['refused upgrade', () => {
			const {request} = upgradeRequest(random, 'example.com', '/ws', 'http://example.com');
			return [request, Buffer.from('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'), frame(opcodes.text, authed)];
		}],
		['unmasked client frame', () => {
			const {request, key} = upgradeRequest(random, 'example.com', '/ws', 'http://example.com');
			return [Buffer.concat([request, frame(opcodes.text, submit)]), Buffer.concat([upgradeResponse(key), frame(opcodes.text, authed)]), Buffer.alloc(0)];
		}],
	];
	for (const [name, make] of cases) {
		const h = harness();
		const flow = h.open({serverPort: 80});
		const [client, server, more] = make();
		h.send(flow, 'client', client);
		h.send(flow, 'server', server);
		if (more.length > 0) h.send(flow, 'server', more);
		h.end(flow);
		assert.deepEqual(h.alerts, [], name);
	}
});

test('a 64-bit extended length and a message split across segments are read', () => {
	const random = new SeededRandom(6);
	const {request, key} = upgradeRequest(random, 'wss.example.net', '/', 'http://example.net');
	const auth = Buffer.from(JSON.stringify({type: 'auth', params: {site_key: 'k'.repeat(32), type: 'anonymous', user: null}}));
	// A frame with the 127 length form (allowed to be read even where a shorter form would do).
	const mask = random.bytes(4);
	const head = Buffer.alloc(14);
	head[0] = 0x81;
	head[1] = 0x80 | 127;
	head.writeBigUInt64BE(BigInt(auth.length), 2);
	mask.copy(head, 10);
	const masked = Buffer.from(auth.map((byte, index) => byte ^ mask[index & 3]!));
	const h = harness();
	const flow = h.open({serverPort: 8080});
	h.send(flow, 'client', request);
	h.send(flow, 'server', upgradeResponse(key));
	const whole = Buffer.concat([head, masked]);
	h.send(flow, 'client', whole.subarray(0, 7));
	h.send(flow, 'client', whole.subarray(7));
	h.send(flow, 'server', frame(opcodes.text, Buffer.from(JSON.stringify({type: 'job', params: {job_id: '1', blob: 'ab'.repeat(38), target: 'ffffff00'}}))));
	const [alert] = h.latest();
	assert.equal(alert?.detection, 'mining');
	assert.match(alert?.evidence[1] ?? '', /answered \(job\)/);
});

test('one side of the dialect alone is held, then raised at 70 when nothing follows', () => {
	const h = harness();
	const flow = h.open({serverPort: 8892});
	for (const write of coinhiveExchange(new SeededRandom(7), proxy, false).slice(0, 3)) h.send(flow, write.side, Buffer.concat(write.segments));
	assert.deepEqual(h.alerts, [], 'held while the answer may still come');
	h.end(flow);
	const [alert] = h.latest();
	assert.equal(alert?.certainty, 70);
	assert.deepEqual(alert?.evidence[0], 'content: Coinhive-style browser-miner messages auth in masked WebSocket frames');
});

test('the Host header and the path are shown sanitized', () => {
	const h = harness();
	const flow = h.open({serverPort: 8892});
	const site: WebSocketSite = {host: 'evil\u001b[2J.example', target: '/p\u0007ath', origin: 'http://example.org'};
	const exchange = coinhiveExchange(new SeededRandom(8), site, false);
	playExchange(h, flow, exchange);
	h.end(flow);
	const [alert] = h.latest();
	assert.equal(alert?.peerName, 'evil\\x1b[2J.example');
	assert.ok(alert?.evidence.includes('content: WebSocket upgrade to evil\\x1b[2J.example/p\\x07ath'), alert?.evidence.join('; '));
});
