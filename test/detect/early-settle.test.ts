// Flows that cannot be mining or a node are settled at their first payload, so reassembly stops;
// what must still be caught is caught. And hosts detection knows nothing about cost nothing.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {harness} from './support/engine-harness.js';
import {httpRequest, httpResponse} from '../../fixtures/builder/protocols/http.js';
import {clientHello} from '../../fixtures/builder/protocols/tls.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';

test('TLS with a server name that is no pool, and plain web HTTP, settle at the first request', () => {
	const h = harness();
	const tls = h.open({server: '198.51.100.80', serverPort: 443});
	h.send(tls, 'client', clientHello(new SeededRandom(1), {serverName: 'www.example.com'}));
	assert.equal(tls.classified, true);
	const web = h.open({server: '198.51.100.81', serverPort: 80});
	h.send(web, 'client', httpRequest('GET', '/item/1', [['Host', 'shop.example'], ['User-Agent', 'bench/1']]));
	assert.equal(web.classified, true);
	assert.deepEqual(h.alerts, []);
});

test('opaque bytes on 443 settle at once; a getwork POST on port 80 is still mining', () => {
	const h = harness();
	const opaque = h.open({server: '198.51.100.82', serverPort: 443});
	h.send(opaque, 'client', new Uint8Array(517).fill(0x5a));
	assert.equal(opaque.classified, true);
	const getwork = h.open({server: '198.51.100.83', serverPort: 80});
	h.send(getwork, 'client', httpRequest('POST', '/', [['Content-Type', 'application/json'], ['User-Agent', 'cgminer/4.12.1']], '{"method":"getwork","params":[],"id":0}'));
	h.send(getwork, 'server', httpResponse(200, 'OK', [['Content-Type', 'application/json'], ['X-Long-Polling', '/LP']], '{"result":{},"error":null,"id":0}'));
	assert.equal(h.latest()[0]?.protocol, 'getwork');
	assert.equal(h.latest()[0]?.certainty, 95);
	assert.equal(h.latest()[0]?.agent, 'cgminer/4.12.1');
});

test('JSON-RPC whose first call no miner makes settles before the answer', () => {
	const h = harness();
	const flow = h.open({server: '198.51.100.84', serverPort: 8545});
	h.send(flow, 'client', '{"jsonrpc":"2.0","id":7,"method":"eth_blockNumber","params":[]}\n');
	assert.equal(flow.classified, true);
	assert.deepEqual(h.alerts, []);
});

test('a Stratum call on port 8545 is still mining', () => {
	const h = harness();
	const flow = h.open({server: '198.51.100.85', serverPort: 8545});
	h.send(flow, 'client', '{"id":1,"method":"eth_submitLogin","params":["0x9c99d212f7e5daa18ab50810e0fd255d1f04303b.rig1","x"]}\n');
	h.send(flow, 'server', '{"id":1,"jsonrpc":"2.0","result":true}\n');
	assert.equal(h.latest()[0]?.certainty, 95);
	assert.equal(flow.classified, true);
});

test('hosts detection knows nothing about share one frozen, empty answer', () => {
	const {engine} = harness();
	const first = engine.hostInfo('192.0.2.10');
	assert.equal(engine.hostInfo('192.0.2.11'), first);
	assert.deepEqual(first.roles, []);
	assert.deepEqual(first.protocols, []);
	assert.ok(Object.isFrozen(first) && Object.isFrozen(first.roles) && Object.isFrozen(first.protocols));
});

test('a known host keeps one answer until its facts change', () => {
	const {open, send, end, engine} = harness();
	const flow = open({client: '10.0.0.5', server: '198.51.100.86'});
	send(flow, 'client', '{"id":1,"method":"mining.subscribe","params":["cgminer/4.12.1"]}\n');
	end(flow);
	const before = engine.hostInfo('10.0.0.5');
	assert.equal(engine.hostInfo('10.0.0.5'), before);
	assert.deepEqual(before.roles, ['miner']);
	assert.equal(before.severity, 'high');
	const second = open({client: '10.0.0.5', server: '198.51.100.87', serverPort: 8333});
	send(second, 'client', '{"id":2,"method":"mining.subscribe","params":["cgminer/4.12.1"]}\n');
	send(second, 'server', '{"id":2,"result":[[["mining.notify","ae6812eb"]],"08000002",4],"error":null}\n');
	end(second);
	assert.equal(engine.hostInfo('10.0.0.5'), before, 'nothing new about the host');
	assert.deepEqual(engine.hostInfo('198.51.100.87').roles, ['pool']);
});
