import {test} from 'node:test';
import assert from 'node:assert/strict';
import {harness} from './support/engine-harness.js';
import {jsonForms, line, type JsonForm} from './support/json-forms.js';

interface Dialect {
	name: string;
	client: Record<string, unknown>[];
	server: Record<string, unknown>[];
	agent?: string;
	worker?: string;
	algorithm?: string;
}

const dialects: Dialect[] = [
	{
		name: 'Bitcoin-style v1 (configure, subscribe, authorize, notify, submit)',
		client: [
			{id: 1, method: 'mining.configure', params: [['version-rolling'], {'version-rolling.mask': '1fffe000'}]},
			{id: 2, method: 'mining.subscribe', params: ['bmminer/2.0.0']},
			{id: 3, method: 'mining.authorize', params: ['acct.rig1', 'x']},
			{id: 4, method: 'mining.submit', params: ['acct.rig1', '1a', '00000000', '5f5e1000', '8a3b2c1d']},
		],
		server: [
			{id: 2, result: [[['mining.set_difficulty', '1'], ['mining.notify', '1']], '08000002', 4], error: null},
			{id: null, method: 'mining.notify', params: ['1a', '00'.repeat(32), '01', '02', [], '20000000', '1703a1f2', '65f0a1b2', true]},
		],
		agent: 'bmminer/2.0.0',
		worker: 'acct.rig1',
	},
	{
		name: 'XMRig login/job/submit/keepalived',
		client: [
			{id: 1, jsonrpc: '2.0', method: 'login', params: {login: '48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD', pass: 'x', agent: 'XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0', algo: ['rx/0', 'cn/r']}},
			{id: 2, jsonrpc: '2.0', method: 'submit', params: {id: 's1', job_id: 'j1', nonce: '0a0b0c0d', result: 'ff'.repeat(32)}},
			{id: 3, jsonrpc: '2.0', method: 'keepalived', params: {id: 's1'}},
		],
		server: [
			{id: 1, jsonrpc: '2.0', error: null, result: {id: 's1', job: {blob: '0e'.repeat(38), job_id: 'j1', target: 'b88d0600', algo: 'rx/0', height: 3_100_000, seed_hash: 'aa'.repeat(32)}, extensions: ['algo', 'keepalive'], status: 'OK'}},
			{jsonrpc: '2.0', method: 'job', params: {blob: '0e'.repeat(38), job_id: 'j2', target: 'b88d0600', algo: 'rx/0'}},
		],
		agent: 'XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0',
		algorithm: 'rx/0',
	},
	{
		name: 'xmr-stak method-first login',
		client: [{method: 'login', params: {login: '4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge', pass: 'x', agent: 'xmr-stak-cpu/1.3.0-1.5.0'}, id: 1}],
		server: [{id: 1, jsonrpc: '2.0', error: null, result: {id: '479059546883218', job: {blob: '06'.repeat(38), job_id: '722134174127131', target: 'dc460300'}, status: 'OK'}}],
		agent: 'xmr-stak-cpu/1.3.0-1.5.0',
	},
	{
		name: 'ethminer ETHPROXY',
		client: [
			{id: 1, method: 'eth_submitLogin', params: ['0x9c99d212f7e5daa18ab50810e0fd255d1f04303b.rig7', 'x'], worker: 'rig7'},
			{id: 5, method: 'eth_getWork', params: []},
			{id: 6, method: 'eth_submitHashrate', params: ['0x1dcd6500', '0x' + 'ab'.repeat(32)]},
		],
		server: [{id: 1, jsonrpc: '2.0', result: true}, {id: 5, jsonrpc: '2.0', result: ['0x' + '41'.repeat(32), '0x' + '71'.repeat(32), '0x00000000dbe6fece' + '00'.repeat(24)]}],
		worker: '0x9c99d212f7e5daa18ab50810e0fd255d1f04303b.rig7',
	},
	{
		name: 'Claymore spaced eth_submitLogin',
		client: [{worker: 'eth1.0', jsonrpc: '2.0', params: ['0x9c99d212f7e5daa18ab50810e0fd255d1f04303b/tester.worker1', 'x'], id: 2, method: 'eth_submitLogin'}],
		server: [{jsonrpc: '2.0', id: 2, result: true}],
	},
	{
		name: 'EthereumStratum/1.0.0',
		client: [
			{id: 1, method: 'mining.subscribe', params: ['ethminer/0.19.0', 'EthereumStratum/1.0.0']},
			{id: 2, method: 'mining.extranonce.subscribe', params: []},
			{id: 3, method: 'mining.authorize', params: ['acct.worker', 'x']},
		],
		server: [
			{id: 1, result: [['mining.notify', 'ae6812eb4cd7735a302a8a9dd95cf71f', 'EthereumStratum/1.0.0'], '080c'], error: null},
			{id: null, method: 'mining.set_difficulty', params: [0.5]},
		],
		agent: 'ethminer/0.19.0',
		worker: 'acct.worker',
	},
	{
		name: 'EthereumStratum/2.0.0 mining.hello',
		client: [{id: 1, method: 'mining.hello', params: {agent: 'ethminer-0.19.0', host: 'eu1.example-pool.org', port: '0x115c', proto: 'EthereumStratum/2.0.0'}}],
		server: [{id: 1, result: {proto: 'EthereumStratum/2.0.0', encoding: 'plain', resume: 1, timeout: 30, maxerrors: 5, node: 'Geth/v1.9'}}, {method: 'mining.set_target', params: ['00000000ffff']}],
		agent: 'ethminer-0.19.0',
	},
];

for (const dialect of dialects) {
	for (const form of jsonForms) {
		test(`Stratum ${dialect.name} (${form}): client confirmed by the pool is mining`, () => {
			const {open, send, latest} = harness();
			const flow = open({client: '192.168.1.20', server: '198.51.100.9', serverPort: 4444});
			for (const message of dialect.client) send(flow, 'client', line(message, form));
			for (const message of dialect.server) send(flow, 'server', line(message, form));
			const alerts = latest();
			assert.equal(alerts.length, 1);
			const alert = alerts[0]!;
			assert.equal(alert.detection, 'mining');
			assert.equal(alert.host, '192.168.1.20');
			assert.equal(alert.hostRole, 'miner');
			assert.equal(alert.peer, '198.51.100.9');
			assert.equal(alert.port, 4444);
			assert.equal(alert.protocol, 'stratum');
			assert.equal(alert.direction, 'internal-external');
			assert.equal(alert.severity, 'high');
			assert.equal(alert.certainty, 95);
			assert.deepEqual(alert.mitre, {tactic: 'TA0040', technique: 'T1496.001'});
			assert.ok(alert.evidence.every((entry) => entry.startsWith('content:')), alert.evidence.join(' | '));
			if (dialect.agent) assert.equal(alert.agent, dialect.agent);
			if (dialect.worker) assert.equal(alert.worker, dialect.worker);
			if (dialect.algorithm) assert.equal(alert.algorithm, dialect.algorithm);
			assert.equal(flow.family, 'stratum');
			assert.equal(flow.classified, true);
		});
	}
}

test('the algorithm is the one the pool\'s job chose; the miner\'s offered list is evidence, shortened by whole names', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '192.168.10.23', server: '198.51.100.77', serverPort: 10_128});
	const offered = ['rx/0', 'cn/1', 'cn/2', 'cn/r', 'cn/fast', 'cn/half', 'cn/xao', 'cn/rto', 'cn/rwz', 'cn/zls', 'cn/double', 'cn/ccx', 'cn-lite/1', 'cn-heavy/0', 'cn-heavy/tube', 'cn-heavy/xhv', 'cn-pico', 'cn-pico/tlo', 'cn/upx2', 'rx/wow', 'rx/arq', 'rx/graft', 'rx/sfx', 'rx/keva', 'argon2/chukwa', 'argon2/chukwav2', 'argon2/ninja', 'ghostrider'];
	send(flow, 'client', line({id: 1, jsonrpc: '2.0', method: 'login', params: {login: '4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge', pass: 'x', agent: 'XMRig/6.21.0', algo: offered}}, 'compact'));
	send(flow, 'server', line({id: 1, jsonrpc: '2.0', error: null, result: {id: 's1', job: {blob: '0e'.repeat(38), job_id: 'j1', target: 'b88d0600', algo: 'rx/0', seed_hash: 'aa'.repeat(32)}, status: 'OK'}}, 'compact'));
	const [alert] = latest();
	assert.equal(alert?.algorithm, 'rx/0');
	assert.ok(alert?.evidence.includes('content: the miner offers algorithms rx/0, cn/1, cn/2, cn/r, cn/fast, cn/half, cn/xao, … (+21 more)'), alert?.evidence.join(' | '));
});

test('a pool that never names its algorithm leaves it unknown, however many the miner offers', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '192.168.10.23', server: '198.51.100.77', serverPort: 10_128});
	send(flow, 'client', line({id: 1, jsonrpc: '2.0', method: 'login', params: {login: 'wallet', pass: 'x', agent: 'XMRig/6.21.0', algo: ['cn/r']}}, 'compact'));
	send(flow, 'server', line({id: 1, jsonrpc: '2.0', error: null, result: {id: 's1', job: {blob: '0e'.repeat(38), job_id: 'j1', target: 'b88d0600'}, status: 'OK'}}, 'compact'));
	const [alert] = latest();
	assert.equal(alert?.algorithm, undefined);
	assert.ok(alert?.evidence.includes('content: the miner offers algorithm cn/r'), alert?.evidence.join(' | '));
});

test('a client mining method alone is weaker evidence than a confirmed exchange', () => {
	const {open, send, end, latest} = harness();
	const flow = open();
	send(flow, 'client', line(dialects[0]!.client[1]!, 'compact'));
	// Held while the pool's answer may still come; raised as it stands when the flow ends unanswered.
	assert.equal(latest().length, 0);
	assert.equal(flow.classified, false);
	end(flow);
	assert.equal(latest()[0]?.certainty, 70);
});

test('the miner is whoever sends the client methods, whatever the ports or orientation', () => {
	const {open, send, latest} = harness();
	// Captured mid-connection: the pool was seen first, so the flow calls it the client.
	const flow = open({client: '198.51.100.9', clientPort: 3333, server: '10.1.2.3', serverPort: 41_000, sawSyn: false});
	send(flow, 'client', 'ob":"partial line from before the capture"}\n');
	send(flow, 'client', line({method: 'mining.set_difficulty', params: [4096], id: null}, 'compact'));
	send(flow, 'server', '"id":3}\n');
	send(flow, 'server', line({params: ['rig', 'job1', '00000000', '5f5e1000', '8a3b2c1d'], id: 4, method: 'mining.submit'}, 'spaced'));
	const [alert] = latest();
	assert.equal(alert?.host, '10.1.2.3');
	assert.equal(alert?.peer, '198.51.100.9');
	assert.equal(alert?.port, 3333);
	assert.equal(alert?.certainty, 95);
});

test('a message split across segments is read once whole', () => {
	const {open, send, latest} = harness();
	const flow = open();
	const login = line(dialects[1]!.client[0]!, 'compact');
	const reply = line(dialects[1]!.server[0]!, 'spaced');
	for (let start = 0; start < login.length; start += 7) send(flow, 'client', login.slice(start, start + 7));
	send(flow, 'server', reply.slice(0, 40));
	assert.equal(latest().length, 0);
	send(flow, 'server', reply.slice(40));
	assert.deepEqual(latest().map((alert) => [alert.certainty, alert.agent]), [[95, 'XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0']]);
});

test('the pool answer may be read before the request (directions grow in any order)', () => {
	const {open, send, latest} = harness();
	const flow = open();
	send(flow, 'server', line(dialects[0]!.server[1]!, 'compact'));
	send(flow, 'client', line(dialects[0]!.client[1]!, 'compact'));
	send(flow, 'client', line(dialects[0]!.client[2]!, 'compact'));
	assert.deepEqual(latest().map((alert) => [alert.host, alert.certainty, alert.worker]), [['10.0.0.5', 95, 'acct.rig1']]);
});

test('generic JSON-RPC on port 3333 is not mining', () => {
	const {open, send, alerts} = harness();
	for (const form of jsonForms) {
		const flow = open({serverPort: 3333});
		const calls: Record<string, unknown>[] = [
			{jsonrpc: '2.0', id: 1, method: 'auth', params: {user: 'admin', password: 'x'}},
			{jsonrpc: '2.0', id: 2, method: 'login', params: {username: 'alice', password: 'x'}},
			{jsonrpc: '2.0', id: 3, method: 'submit', params: {form: 'contact'}},
			{jsonrpc: '2.0', id: 4, method: 'server.version', params: ['electrum', '1.4']},
			{jsonrpc: '2.0', id: 5, method: 'textDocument/completion', params: {blob: 'x', job_id: 1}},
		];
		for (const call of calls) send(flow, 'client', line(call, form as JsonForm));
		for (let id = 1; id <= 5; id++) send(flow, 'server', line({jsonrpc: '2.0', id, result: {ok: true, blob: 'ab'}}, form as JsonForm));
	}
	assert.deepEqual(alerts, []);
});

test('HTTP on port 3333 is not mining', () => {
	const {open, send, alerts} = harness();
	const flow = open({serverPort: 3333});
	send(flow, 'client', 'POST /api/login HTTP/1.1\r\nHost: app.example\r\nContent-Type: application/json\r\nContent-Length: 43\r\n\r\n{"method":"login","params":{"user":"bob"}}\n');
	send(flow, 'server', 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"result":"ok"}\n');
	send(flow, 'client', 'GET /index.html HTTP/1.1\r\nHost: app.example\r\n\r\n');
	assert.deepEqual(alerts, []);
	assert.equal(flow.classified, true);
});

test('hostile agent and worker strings come out sanitized', () => {
	const {open, send, end, latest} = harness();
	const flow = open();
	send(flow, 'client', line({id: 1, method: 'login', params: {login: 'w\u001b]0;pwned\u0007allet\u202e', pass: 'x', agent: 'XMRig\r\u001b[2J/6.0'}}, 'compact'));
	end(flow);
	const [alert] = latest();
	assert.equal(alert?.worker, 'w\\x1b]0;pwned\\x07allet\\u{202e}');
	assert.equal(alert?.agent, 'XMRig\\r\\x1b[2J/6.0');
	assert.doesNotMatch(JSON.stringify(alert), /\\u001b|\\u0007|\u202e/);
});
