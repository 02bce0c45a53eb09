import {test} from 'node:test';
import assert from 'node:assert/strict';
import {FlowTable} from '../../source/flows/flow-table.js';
import {flags} from '../support/packet-bytes.js';
import {decodeFrame, icmpEchoFrame, RecordingObserver, secondMicros, startMicros, tcpFrame, udpFrame, type Endpoint} from './flow-support.js';

const miner: Endpoint = {address: '192.168.2.148', port: 46838};
const pool: Endpoint = {address: '94.23.199.191', port: 3333};

function setup(options: {payloadBytes?: number; flowCap?: number} = {}) {
	const observer = new RecordingObserver();
	const table = new FlowTable({observer, ...options});
	let now = startMicros;
	const send = (frame: Uint8Array, atMicros = now) => {
		now = atMicros;
		return table.packet(decodeFrame(frame), frame.length, atMicros);
	};
	return {observer, table, send, at: (seconds: number) => startMicros + seconds * secondMicros};
}

test('the SYN sender is the client; handshake, data and FINs drive the state', () => {
	const {observer, table, send} = setup();
	const flow = send(tcpFrame(miner, pool, 1000, flags.syn));
	assert.equal(flow.clientAddress, '192.168.2.148');
	assert.equal(flow.serverPort, 3333);
	assert.equal(flow.sawSyn, true);
	assert.equal(flow.tcpState, 'syn');
	send(tcpFrame(pool, miner, 7000, flags.syn | flags.ack, '', 1001));
	send(tcpFrame(miner, pool, 1001, flags.ack, '', 7001));
	assert.equal(flow.tcpState, 'established');
	send(tcpFrame(miner, pool, 1001, flags.psh | flags.ack, '{"id":1,"method":"mining.subscribe"}\n', 7001));
	send(tcpFrame(pool, miner, 7001, flags.psh | flags.ack, '{"id":1,"result":[]}\n', 1038));
	assert.equal(table.active, 1);
	assert.equal(table.created, 1);
	assert.equal(flow.packets('client'), 3);
	assert.equal(flow.packets('server'), 2);
	assert.ok(flow.bytes('client') > flow.bytes('server'));
	assert.equal(new TextDecoder().decode(flow.stream('client')), '{"id":1,"method":"mining.subscribe"}\n');
	assert.equal(new TextDecoder().decode(flow.stream('server')), '{"id":1,"result":[]}\n');
	assert.deepEqual(observer.grew.map((event) => event.side), ['client', 'server']);
	assert.deepEqual(observer.started, [flow]);
	send(tcpFrame(miner, pool, 1038, flags.fin | flags.ack, '', 7022));
	assert.equal(flow.tcpState, 'fin');
	send(tcpFrame(pool, miner, 7022, flags.fin | flags.ack, '', 1039));
	assert.equal(flow.tcpState, 'closed');
	assert.equal(observer.ended.length, 0, 'a closed flow lingers for its last ACKs');
});

test('mid-stream, the first packet\'s sender is the client; a SYN-ACK seen first makes its receiver the client', () => {
	const {table, send} = setup();
	const midStream = send(tcpFrame(pool, miner, 50, flags.psh | flags.ack, '{"method":"mining.notify"}\n'));
	assert.equal(midStream.clientAddress, '94.23.199.191');
	assert.equal(midStream.sawSyn, false);
	assert.equal(midStream.tcpState, 'established');
	const other: Endpoint = {address: '192.168.2.148', port: 46900};
	const synAckFirst = send(tcpFrame(pool, other, 7000, flags.syn | flags.ack, '', 1));
	assert.equal(synAckFirst.clientAddress, '192.168.2.148');
	assert.equal(synAckFirst.clientPort, 46900);
	assert.equal(synAckFirst.packets('server'), 1);
	assert.equal(table.active, 2);
});

test('a message split across segments arriving out of order, with retransmissions and overlaps', () => {
	const {observer, send} = setup();
	const message = '{"id":2,"method":"mining.authorize","params":["wallet.worker","x"]}\n';
	const flow = send(tcpFrame(miner, pool, 99, flags.syn));
	send(tcpFrame(miner, pool, 100 + 40, flags.ack, message.slice(40)));
	assert.equal(observer.grew.length, 0);
	send(tcpFrame(miner, pool, 100, flags.ack, message.slice(0, 20)));
	send(tcpFrame(miner, pool, 100, flags.ack, message.slice(0, 20)));
	send(tcpFrame(miner, pool, 100 + 10, flags.ack, message.slice(10, 45)));
	assert.deepEqual(observer.grew.map((event) => event.stream), [message.slice(0, 20), message]);
	assert.equal(new TextDecoder().decode(flow.stream('client')), message);
	assert.deepEqual(flow.flights, [{side: 'client', bytes: message.length}]);
});

test('data on a SYN (TCP Fast Open) starts the stream after the SYN\'s own sequence number', () => {
	const {send} = setup();
	const flow = send(tcpFrame(miner, pool, 4000, flags.syn, '{"id":1}'));
	send(tcpFrame(miner, pool, 4009, flags.ack, '\n'));
	assert.equal(new TextDecoder().decode(flow.stream('client')), '{"id":1}\n');
});

test('the first payload is shown with its flight, and kept only for a flow still unclassified', () => {
	const {observer, send} = setup();
	const seen: string[] = [];
	observer.classify = (flow) => {
		seen.push(`${JSON.stringify(flow.flights)} ${flow.stream('server').length}`);
		return new TextDecoder().decode(flow.stream('client')).startsWith('GET');
	};
	const web = send(tcpFrame(miner, {address: '203.0.113.80', port: 80}, 0, flags.syn));
	send(tcpFrame(miner, {address: '203.0.113.80', port: 80}, 1, flags.ack, 'GET / HTTP/1.1\r\n\r\n'));
	assert.equal(web.classified, true);
	assert.equal(web.stream('client').length, 0);
	assert.deepEqual(web.flights, []);
	const flow = send(tcpFrame(miner, pool, 50, flags.syn));
	send(tcpFrame(miner, pool, 900, flags.syn));
	send(tcpFrame(miner, pool, 901, flags.ack, '{"id":1,'));
	send(tcpFrame(miner, pool, 909, flags.ack, '"method":"mining.subscribe"}\n'));
	assert.equal(new TextDecoder().decode(flow.stream('client')), '{"id":1,"method":"mining.subscribe"}\n');
	assert.deepEqual(flow.flights, [{side: 'client', bytes: 37}]);
	assert.deepEqual(observer.grew.map((event) => event.stream), ['GET / HTTP/1.1\r\n\r\n', '{"id":1,', '{"id":1,"method":"mining.subscribe"}\n']);
	assert.deepEqual(seen, ['[{"side":"client","bytes":18}] 0', '[{"side":"client","bytes":8}] 0', '[{"side":"client","bytes":37}] 0']);
});

test('flights alternate sides: a Stratum V2 style 64-byte then 234-byte handshake', () => {
	const {send} = setup();
	const flow = send(tcpFrame(miner, pool, 0, flags.syn));
	send(tcpFrame(pool, miner, 500, flags.syn | flags.ack, '', 1));
	send(tcpFrame(miner, pool, 1, flags.psh | flags.ack, 'k'.repeat(64)));
	send(tcpFrame(pool, miner, 501, flags.ack, 's'.repeat(100)));
	send(tcpFrame(pool, miner, 601, flags.psh | flags.ack, 's'.repeat(134)));
	assert.deepEqual(flow.flights, [{side: 'client', bytes: 64}, {side: 'server', bytes: 234}]);
	for (let exchange = 0; exchange < 5; exchange++) {
		send(tcpFrame(miner, pool, 65 + exchange * 10, flags.ack, 'c'.repeat(10)));
		send(tcpFrame(pool, miner, 735 + exchange * 10, flags.ack, 's'.repeat(10)));
	}
	assert.equal(flow.flights.length, 8);
	assert.deepEqual(flow.flights.slice(2).map((flight) => flight.bytes), [10, 10, 10, 10, 10, 10]);
});

test('the payload cap bounds each direction and stops stream events', () => {
	const {observer, send} = setup({payloadBytes: 32});
	const flow = send(tcpFrame(miner, pool, 0, flags.syn));
	send(tcpFrame(miner, pool, 1, flags.ack, 'a'.repeat(30)));
	send(tcpFrame(miner, pool, 31, flags.ack, 'b'.repeat(30)));
	send(tcpFrame(miner, pool, 61, flags.ack, 'c'.repeat(30)));
	assert.equal(flow.stream('client').length, 32);
	assert.equal(new TextDecoder().decode(flow.stream('client')), 'a'.repeat(30) + 'bb');
	assert.equal(observer.grew.length, 2);
});

test('a classified flow stops buffering and releases its streams', () => {
	const {observer, send} = setup();
	observer.classify = () => true;
	const flow = send(tcpFrame(miner, pool, 0, flags.syn));
	send(tcpFrame(miner, pool, 1, flags.ack, '{"method":"login"}'));
	assert.equal(flow.classified, true);
	send(tcpFrame(miner, pool, 19, flags.ack, 'more'));
	send(tcpFrame(pool, miner, 1, flags.ack, '{"result":{}}'));
	assert.equal(observer.grew.length, 1);
	assert.equal(flow.stream('client').length, 0);
	assert.equal(flow.stream('server').length, 0);
	assert.equal(flow.packets('client'), 3, 'accounting goes on');
});

test('a classified flow a detector reads on keeps its streams growing, from its first payload, until the reader lets go', () => {
	const {observer, send} = setup();
	observer.classify = (flow) => {
		flow.settledReaders = new TextDecoder().decode(flow.stream('client')).endsWith('done') ? 0 : 1;
		return true;
	};
	const flow = send(tcpFrame(miner, pool, 0, flags.syn));
	send(tcpFrame(miner, pool, 1, flags.ack, 'version'));
	assert.equal(flow.classified, true);
	send(tcpFrame(miner, pool, 8, flags.ack, ' addr'));
	send(tcpFrame(miner, pool, 13, flags.ack, ' done'));
	send(tcpFrame(miner, pool, 18, flags.ack, ' later'));
	assert.deepEqual(observer.grew.map((event) => event.stream), ['version', 'version addr', 'version addr done']);
	assert.equal(flow.stream('client').length, 0, 'released once no detector reads on');
});

test('a closed connection hands its streams back at once, though it stays in the table for the last packets', () => {
	const {observer, table, send} = setup();
	const flow = send(tcpFrame(miner, pool, 0, flags.syn));
	send(tcpFrame(miner, pool, 1, flags.ack, '{"id":1,'));
	send(tcpFrame(miner, pool, 9, flags.ack, '"method":"mining.subscribe"}\n'));
	assert.equal(flow.classified, false);
	assert.equal(new TextDecoder().decode(flow.stream('client')), '{"id":1,"method":"mining.subscribe"}\n');
	send(tcpFrame(miner, pool, 38, flags.fin | flags.ack, 'tail'));
	assert.equal(observer.grew.at(-1)?.stream, '{"id":1,"method":"mining.subscribe"}\ntail', 'data riding on the FIN is still read');
	send(tcpFrame(pool, miner, 1, flags.fin | flags.ack));
	assert.equal(flow.ended, true);
	assert.equal(flow.stream('client').length, 0);
	assert.equal(table.active, 1, 'the flow waits out the closed timeout');
	assert.equal(observer.ended.length, 0);
	send(tcpFrame(miner, pool, 38, flags.ack, 'tail'));
	assert.equal(observer.grew.length, 3, 'a retransmission after the close shows nothing new');
});

test('UDP datagrams go to the observer until the flow is classified', () => {
	const {observer, send} = setup();
	const resolver: Endpoint = {address: '192.168.1.1', port: 53};
	const client: Endpoint = {address: '192.168.1.20', port: 40000};
	observer.classify = (flow) => flow.packets('server') > 0;
	const flow = send(udpFrame(client, resolver, 'query'));
	send(udpFrame(resolver, client, 'answer'));
	send(udpFrame(client, resolver, 'second query'));
	assert.equal(flow.transport, 'udp');
	assert.deepEqual(observer.datagrams, [{side: 'client', payload: 'query'}, {side: 'server', payload: 'answer'}]);
	assert.equal(flow.packets('client'), 2);
});

test('ICMP is accounted as a flow without observer calls', () => {
	const {observer, table, send} = setup();
	send(icmpEchoFrame('10.0.0.1', '10.0.0.2'));
	send(icmpEchoFrame('10.0.0.2', '10.0.0.1'));
	assert.equal(table.created, 1);
	assert.equal(observer.started.length, 0);
	table.flush();
	assert.equal(observer.ended.length, 0);
	assert.equal(table.active, 0);
});

test('idle timeouts in capture time: UDP 60 s, closed TCP 10 s, open TCP 300 s', () => {
	const {observer, table, send, at} = setup();
	const open = send(tcpFrame(miner, pool, 0, flags.syn), at(0));
	const closedClient: Endpoint = {address: '192.168.2.148', port: 50000};
	const closed = send(tcpFrame(closedClient, pool, 0, flags.syn), at(0));
	send(tcpFrame(pool, closedClient, 0, flags.rst | flags.ack, '', 1), at(1));
	const dns = send(udpFrame({address: '192.168.2.148', port: 5353}, {address: '192.168.2.1', port: 53}, 'q'), at(1));
	send(icmpEchoFrame('192.168.2.148', '192.168.2.1'), at(11));
	assert.deepEqual(observer.ended, [closed]);
	send(icmpEchoFrame('192.168.2.148', '192.168.2.1'), at(62));
	assert.deepEqual(observer.ended, [closed, dns]);
	table.advance(at(299));
	assert.equal(observer.ended.includes(open), false);
	table.advance(at(300));
	assert.equal(observer.ended.at(-1), open);
	assert.equal(table.active, 0, 'the ICMP flow idled out too, without observer calls');
	assert.equal(observer.ended.length, 3);
	assert.equal(table.evicted, 0);
});

test('configurable timeouts', () => {
	const observer = new RecordingObserver();
	const table = new FlowTable({observer, timeouts: {udp: 5}});
	const frame = udpFrame({address: '10.0.0.1', port: 1000}, {address: '10.0.0.2', port: 2000}, 'x');
	table.packet(decodeFrame(frame), frame.length, startMicros);
	table.advance(startMicros + 5 * secondMicros);
	assert.equal(observer.ended.length, 1);
});

test('the flow cap evicts the least recently seen flow and counts it', () => {
	const {observer, table, send, at} = setup({flowCap: 2});
	const first = send(udpFrame({address: '10.0.0.1', port: 1}, {address: '10.0.0.9', port: 53}, 'a'), at(0));
	const second = send(udpFrame({address: '10.0.0.2', port: 1}, {address: '10.0.0.9', port: 53}, 'b'), at(1));
	send(udpFrame({address: '10.0.0.9', port: 53}, {address: '10.0.0.1', port: 1}, 'a reply'), at(2));
	const third = send(udpFrame({address: '10.0.0.3', port: 1}, {address: '10.0.0.9', port: 53}, 'c'), at(3));
	assert.deepEqual(observer.ended, [second]);
	assert.equal(table.evicted, 1);
	assert.equal(table.active, 2);
	assert.equal(table.created, 3);
	assert.equal(first.packets('server'), 1);
	table.flush();
	assert.deepEqual(observer.ended, [second, first, third]);
});

test('a SYN on the ports of a closed connection starts a new flow', () => {
	const {observer, table, send} = setup();
	const old = send(tcpFrame(miner, pool, 0, flags.syn));
	send(tcpFrame(pool, miner, 0, flags.rst | flags.ack, '', 1));
	const fresh = send(tcpFrame(miner, pool, 90_000, flags.syn));
	assert.notEqual(fresh, old);
	assert.deepEqual(observer.ended, [old]);
	assert.equal(table.created, 2);
});

test('many flows stay distinct and are found again in both directions', () => {
	const {table, send} = setup();
	const flows = [];
	for (let index = 0; index < 3000; index++) {
		const client = {address: `10.${index >> 8}.${index & 0xff}.1`, port: 1024 + (index % 7)};
		flows.push(send(udpFrame(client, {address: '8.8.8.8', port: 53}, 'q')));
	}
	for (let index = 0; index < 3000; index++) {
		const client = {address: `10.${index >> 8}.${index & 0xff}.1`, port: 1024 + (index % 7)};
		assert.equal(send(udpFrame({address: '8.8.8.8', port: 53}, client, 'a')), flows[index]);
	}
	assert.equal(table.created, 3000);
});

test('flowsOf lists a host\'s live flows, most recent first, as rows', () => {
	const {table, send, at} = setup();
	send(tcpFrame(miner, pool, 0, flags.syn), at(0));
	send(udpFrame({address: '192.168.2.148', port: 5353}, {address: '192.168.2.1', port: 53}, 'q'), at(1));
	send(udpFrame({address: '192.168.2.7', port: 5353}, {address: '192.168.2.1', port: 53}, 'q'), at(2));
	const {live, rows} = table.flowsOf('192.168.2.148', 10);
	assert.equal(live, 2);
	assert.equal(rows.length, 2);
	assert.equal(rows[0]!.protocol, 'udp');
	assert.deepEqual(rows[1], {
		protocol: 'tcp',
		client: '192.168.2.148',
		clientPort: 46838,
		server: '94.23.199.191',
		serverPort: 3333,
		packets: 1,
		bytesToServer: 54,
		bytesToClient: 0,
		state: 'syn',
		family: 'other',
		firstSeen: startMicros / 1000,
		lastSeen: startMicros / 1000,
	});
	assert.deepEqual(table.flowsOf('192.168.2.148', 1).rows, [rows[0]], 'the newest, within the limit');
});

test('idle flows end exactly when their class\'s timeout passes, over a long random mix of flows', () => {
	const timeouts = {tcp: 30, tcpClosed: 5, udp: 12, other: 8};
	const observer = new RecordingObserver();
	const table = new FlowTable({observer, timeouts});
	interface Expected {
		flow: ReturnType<FlowTable['packet']>;
		lastSeen: number;
		timeout: number;
	}
	const live = new Map<string, Expected>();
	const endedIds: number[] = [];
	let seed = 7;
	const random = (bound: number) => {
		seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
		return seed % bound;
	};
	let now = startMicros;
	for (let step = 0; step < 4000; step++) {
		now += random(4) === 0 ? 0 : random(1500) * 1000;
		for (const [key, expected] of live) {
			if (expected.lastSeen + expected.timeout * secondMicros <= now) {
				live.delete(key);
				if (expected.flow.observed) endedIds.push(expected.flow.id);
			}
		}
		const peer = random(60);
		const kind = peer % 3;
		const key = `${kind}:${peer}`;
		const client: Endpoint = {address: `10.1.0.${peer}`, port: 2000 + peer};
		const server: Endpoint = {address: '198.51.100.7', port: 443};
		const known = live.get(key);
		let frame: Uint8Array;
		let timeout: number;
		if (kind === 0) {
			frame = udpFrame(client, server, 'u');
			timeout = timeouts.udp;
		} else if (kind === 1) {
			frame = icmpEchoFrame(client.address, server.address);
			timeout = timeouts.other;
		} else {
			const closing = known !== undefined && random(8) === 0;
			frame = tcpFrame(client, server, 1, known === undefined ? flags.syn : closing ? flags.rst : flags.ack);
			timeout = closing || known?.timeout === timeouts.tcpClosed ? timeouts.tcpClosed : timeouts.tcp;
		}
		const flow = table.packet(decodeFrame(frame), frame.length, now);
		if (known !== undefined) assert.equal(flow, known.flow, `step ${step}: the live flow is found again`);
		live.set(key, {flow, lastSeen: now, timeout});
		assert.deepEqual(observer.ended.map((ended) => ended.id).sort((x, y) => x - y), [...endedIds].sort((x, y) => x - y), `step ${step}`);
		assert.equal(table.active, live.size, `step ${step}`);
	}
	assert.ok(endedIds.length > 500, 'the mix made flows end');
});
