import {test} from 'node:test';
import assert from 'node:assert/strict';
import {PoolList} from '../../source/detect/pool-list.js';
import {longLivedMicros} from '../../source/detect/listed-pool.js';
import {harness} from './support/engine-harness.js';

const listed = () => harness({extraPools: PoolList.parse('# our threat intel\n203.0.113.99\n')});
/** Bytes no content detector reads: a proxy's own framing. */
const opaque = (fill: number) => new Uint8Array(48).fill(fill);

test('a long-lived connection with traffic both ways to a --pools address is mining, certainty as for a pool name', () => {
	const h = listed();
	const flow = h.open({client: '192.168.10.40', server: '203.0.113.99', serverPort: 7777});
	h.send(flow, 'client', opaque(0x80));
	h.send(flow, 'server', opaque(0x81));
	h.send(flow, 'client', opaque(0x82), longLivedMicros - 3000);
	assert.deepEqual(h.alerts, [], 'not yet long-lived');
	h.send(flow, 'server', opaque(0x83), 1000);
	const [alert] = h.latest();
	assert.deepEqual([alert?.detection, alert?.host, alert?.peer, alert?.port, alert?.opener, alert?.protocol, alert?.certainty, alert?.severity], ['mining', '192.168.10.40', '203.0.113.99', 7777, 'host', 'tcp', 60, 'high']);
	assert.deepEqual(alert?.evidence, ['shape: a connection kept open 60 s with traffic both ways', 'reputation: 203.0.113.99 is a pool address listed in --pools']);
	assert.deepEqual(h.engine.hostInfo('203.0.113.99').roles, ['pool']);
});

test('a short visit, one-way traffic or an unlisted address raise nothing', () => {
	const h = listed();
	const visit = h.open({client: '192.168.10.41', server: '203.0.113.99', serverPort: 443});
	h.send(visit, 'client', opaque(0x80));
	h.send(visit, 'server', opaque(0x81), 10_000_000);
	h.end(visit);
	const oneWay = h.open({client: '192.168.10.42', server: '203.0.113.99', serverPort: 7777});
	h.send(oneWay, 'client', opaque(0x80));
	h.send(oneWay, 'client', opaque(0x82), longLivedMicros);
	h.end(oneWay);
	const unlisted = h.open({client: '192.168.10.43', server: '203.0.113.98', serverPort: 7777});
	h.send(unlisted, 'client', opaque(0x80));
	h.send(unlisted, 'server', opaque(0x81), longLivedMicros);
	h.end(unlisted);
	assert.deepEqual(h.alerts, []);
	assert.equal(unlisted.classified, true, 'no detector kept reading the unlisted flow');
});

test('a connection that ends after lasting long enough is reported at its end', () => {
	const h = listed();
	const flow = h.open({client: '192.168.10.44', server: '203.0.113.99', serverPort: 7777});
	h.send(flow, 'client', opaque(0x80));
	h.send(flow, 'server', opaque(0x81));
	flow.lastSeenMicros += longLivedMicros;
	h.end(flow);
	assert.equal(h.latest()[0]?.protocol, 'tcp');
});

test('a connection the capture joined mid-way, the pool seen first, still names the miner', () => {
	const h = listed();
	const flow = h.open({client: '203.0.113.99', clientPort: 7777, server: '192.168.10.45', serverPort: 50_123, sawSyn: false});
	h.send(flow, 'client', opaque(0x80));
	h.send(flow, 'server', opaque(0x81), longLivedMicros);
	const [alert] = h.latest();
	assert.deepEqual([alert?.host, alert?.peer, alert?.port], ['192.168.10.45', '203.0.113.99', 7777]);
});

test('Stratum to a --pools address says it is listed, with no name made up for it', () => {
	const h = listed();
	const flow = h.open({client: '192.168.10.46', server: '203.0.113.99', serverPort: 3333});
	h.send(flow, 'client', '{"id":1,"method":"mining.subscribe","params":["cgminer/4.12.1"]}\n');
	h.send(flow, 'server', '{"id":1,"result":[[["mining.notify","ae6812eb"]],"08000002",4],"error":null}\n');
	h.send(flow, 'client', '{"id":2,"method":"mining.authorize","params":["farm.rig1","x"]}\n');
	const [alert] = h.latest();
	assert.equal(alert?.protocol, 'stratum');
	assert.equal(alert?.peerName, undefined);
	assert.equal(alert?.evidence.at(-1), 'reputation: 203.0.113.99 is a pool address listed in --pools');
});
