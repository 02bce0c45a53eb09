import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {CaptureReader} from '../../source/capture/capture-reader.js';
import {ipProtocols} from '../../source/decode/decoded-packet.js';
import {CidrSet, defaultHomeNet} from '../../source/flows/cidr-set.js';
import {TrafficPipeline} from '../../source/flows/traffic-pipeline.js';
import {concat, ethernet, etherTypes, flags, ipv4, record} from '../support/packet-bytes.js';
import {needsSharedCaptures, sharedCaptureFiles, sharedCaptures} from '../support/repository.js';
import {frameRecord, RecordingObserver, startMicros, tcpFrame, udpFrame, type Endpoint} from './flow-support.js';

const plain = () => ({roles: [], protocols: []});

function newPipeline(observer = new RecordingObserver(), hostCap?: number) {
	return new TrafficPipeline({observer, homeNet: CidrSet.parse(defaultHomeNet), hostCap});
}

test('totals count every packet, decode errors, unsupported link types and non-first fragments', () => {
	const pipeline = newPipeline();
	const good = udpFrame({address: '10.0.0.1', port: 1000}, {address: '8.8.8.8', port: 53}, 'query');
	pipeline.packet(frameRecord(good, startMicros));
	pipeline.packet(frameRecord(good.subarray(0, 20), startMicros + 1));
	pipeline.packet(record(147, good, startMicros + 2));
	const fragment = ethernet(etherTypes.ipv4, ipv4({source: '10.0.0.1', destination: '8.8.8.8', protocol: ipProtocols.udp, fragmentOffset: 185, payload: new Uint8Array(100)}));
	pipeline.packet(frameRecord(fragment, startMicros + 3));
	assert.deepEqual(pipeline.totals, {
		packets: 4,
		bytes: good.length * 2 + 20 + fragment.length,
		flows: 1,
		decodeErrors: 1,
		truncated: 0,
		unsupportedLinkType: 1,
		nonFirstFragments: 1,
	});
	assert.equal(pipeline.lastTimestampMicros, startMicros + 3);
	assert.equal(pipeline.hosts.row('10.0.0.1', plain)!.packets, 2, 'the fragment still counts for its hosts');
	assert.equal(pipeline.familyCounters().other.packets, 4);
});

test('family counters follow the family detection sets on the flow', () => {
	const observer = new RecordingObserver();
	observer.classify = (flow) => {
		flow.family = 'stratum';
		return true;
	};
	const pipeline = newPipeline(observer);
	const miner: Endpoint = {address: '192.168.2.148', port: 46838};
	const pool: Endpoint = {address: '94.23.199.191', port: 3333};
	const frames = [
		tcpFrame(miner, pool, 0, flags.syn),
		tcpFrame(miner, pool, 1, flags.psh | flags.ack, '{"id":1,"method":"mining.subscribe","params":[]}\n'),
		tcpFrame(pool, miner, 1, flags.psh | flags.ack, '{"id":1,"result":[]}\n'),
	];
	for (const frame of frames) pipeline.packet(frameRecord(frame, startMicros));
	const counters = pipeline.familyCounters();
	assert.deepEqual(counters.stratum, {packets: 2, bytes: frames[1]!.length + frames[2]!.length});
	assert.deepEqual(counters.other, {packets: 1, bytes: frames[0]!.length});
	assert.deepEqual(counters['bitcoin-p2p'], {packets: 0, bytes: 0});
	counters.stratum.packets = 99;
	assert.equal(pipeline.familyCounters().stratum.packets, 2, 'a snapshot, not the live counters');
});

test('hosts count flows and peers; peersOf and flowsOf describe a host', () => {
	const pipeline = newPipeline();
	const miner: Endpoint = {address: '192.168.2.148', port: 46838};
	const pools: Endpoint[] = [{address: '94.23.199.191', port: 3333}, {address: '116.211.167.195', port: 3333}];
	let bytesToFirstPool = 0;
	for (const pool of pools) {
		const syn = tcpFrame(miner, pool, 0, flags.syn);
		const synAck = tcpFrame(pool, miner, 0, flags.syn | flags.ack, '', 1);
		pipeline.packet(frameRecord(syn, startMicros));
		pipeline.packet(frameRecord(synAck, startMicros));
		if (pool === pools[0]) bytesToFirstPool = syn.length + synAck.length;
	}
	const second: Endpoint = {address: '192.168.2.148', port: 46839};
	const again = tcpFrame(second, pools[0]!, 0, flags.syn);
	pipeline.packet(frameRecord(again, startMicros));
	const host = pipeline.hosts.row('192.168.2.148', plain)!;
	assert.equal(host.flows, 3);
	assert.equal(host.peers, 2);
	const peers = pipeline.hosts.peersOf('192.168.2.148', (address) => ({roles: [], protocols: [], name: address === '94.23.199.191' ? 'pool.example' : undefined}));
	assert.deepEqual(peers[0], {address: '94.23.199.191', name: 'pool.example', internal: false, flows: 2, bytes: bytesToFirstPool + again.length});
	assert.equal(peers[1]!.address, '116.211.167.195');
	assert.equal(pipeline.hosts.row('94.23.199.191', plain)!.peers, 1);
	assert.equal(pipeline.flows.flowsOf('192.168.2.148', 10).rows.length, 3);
	const newestTwo = pipeline.flows.flowsOf('192.168.2.148', 2);
	assert.deepEqual([newestTwo.live, newestTwo.rows.length], [3, 2], 'the rows are bounded, the count of live flows is not');
	assert.equal(pipeline.totals.flows, 3);
});

test('tick ends idle flows without packets; flush ends the rest', () => {
	const observer = new RecordingObserver();
	const pipeline = newPipeline(observer);
	pipeline.packet(frameRecord(udpFrame({address: '10.0.0.1', port: 1000}, {address: '10.0.0.2', port: 53}, 'q'), startMicros));
	pipeline.packet(frameRecord(tcpFrame({address: '10.0.0.1', port: 2000}, {address: '10.0.0.2', port: 22}, 0, flags.syn), startMicros));
	pipeline.tick(startMicros + 61_000_000);
	assert.equal(observer.ended.length, 1);
	assert.deepEqual(observer.ticks, [startMicros + 61_000_000], 'detection hears of the time too (held findings come due)');
	assert.equal(pipeline.flows.active, 1);
	pipeline.flush();
	assert.equal(observer.ended.length, 2);
	assert.equal(pipeline.flows.active, 0);
});

test('a packet in a reused buffer is never read after the call', () => {
	const observer = new RecordingObserver();
	const pipeline = newPipeline(observer);
	const frame = tcpFrame({address: '10.0.0.1', port: 2000}, {address: '10.0.0.2', port: 8333}, 1, flags.ack, 'first');
	const buffer = concat(frame);
	pipeline.packet(frameRecord(buffer, startMicros));
	buffer.fill(0);
	const flow = observer.started[0]!;
	assert.equal(new TextDecoder().decode(flow.stream('client')), 'first');
	assert.equal(flow.clientAddress, '10.0.0.1');
});

function replay(file: string, observer = new RecordingObserver()) {
	const reader = new CaptureReader(path.basename(file));
	reader.append(fs.readFileSync(file));
	reader.finish();
	const pipeline = newPipeline(observer);
	for (let next = reader.next(); next !== undefined; next = reader.next()) pipeline.packet(next);
	return {pipeline, reader, observer};
}

test('every shared capture replays without throwing, counting each packet once', {skip: needsSharedCaptures}, () => {
	for (const file of [...sharedCaptureFiles('positive'), ...sharedCaptureFiles('benign')]) {
		const name = path.basename(file);
		const {pipeline, reader, observer} = replay(file);
		assert.equal(pipeline.totals.packets, reader.stats.packets, name);
		pipeline.flush();
		assert.equal(observer.ended.length, observer.started.length, `${name}: every started flow ended`);
		assert.equal(pipeline.flows.active, 0);
	}
});

test('the positive captures: packet counts and the hosts their labels name', {skip: needsSharedCaptures}, () => {
	const expected: Record<string, number> = {'bitcoin.pcap': 529, 'mining.pcapng': 673, 'monero.pcap': 60, 'bitcoin-mining.pcap': 188, 'coinhive-stratum.pcap': 320};
	for (const [name, packets] of Object.entries(expected)) {
		const {pipeline} = replay(path.join(sharedCaptures, 'positive', name));
		assert.equal(pipeline.totals.packets, packets, name);
		assert.equal(pipeline.totals.decodeErrors, 0, name);
	}
	const bitcoin = replay(path.join(sharedCaptures, 'positive', 'bitcoin.pcap'));
	const node = bitcoin.pipeline.hosts.row('192.168.1.142', plain)!;
	assert.equal(node.internal, true);
	assert.equal(node.peers, 6);
	const peersOn8333 = new Set(bitcoin.observer.started.filter((flow) => flow.clientAddress === '192.168.1.142' && flow.serverPort === 8333).map((flow) => flow.serverAddress));
	assert.equal(peersOn8333.size, 6);

	const observer = new RecordingObserver();
	replay(path.join(sharedCaptures, 'positive', 'mining.pcapng'), observer);
	const stratum = observer.started.find((flow) => flow.serverAddress === '94.23.199.191')!;
	assert.equal(stratum.clientAddress, '192.168.2.148');
	assert.equal(stratum.sawSyn, true);
	assert.ok(new TextDecoder().decode(stratum.stream('client')).startsWith('{"id":1,"method":"mining.subscribe"'));
	assert.deepEqual(stratum.flights[0], {side: 'client', bytes: 98});
});

test('evicted hosts: a flow\'s later packets count for its hosts again, never for whoever took their place', () => {
	const pipeline = newPipeline(new RecordingObserver(), 3);
	const a: Endpoint = {address: '10.0.0.1', port: 1000};
	const b: Endpoint = {address: '10.0.0.2', port: 53};
	const c: Endpoint = {address: '10.0.0.3', port: 1000};
	const d: Endpoint = {address: '10.0.0.4', port: 53};
	const first = udpFrame(a, b, 'a to b');
	const second = udpFrame(c, d, 'c to d, evicting a');
	const third = udpFrame(d, c, 'd to c');
	const fourth = udpFrame(b, a, 'b to a again, evicting d');
	pipeline.packet(frameRecord(first, startMicros));
	pipeline.packet(frameRecord(second, startMicros + 1));
	pipeline.packet(frameRecord(third, startMicros + 2));
	pipeline.packet(frameRecord(fourth, startMicros + 3));
	const {hosts} = pipeline;
	assert.equal(hosts.size, 3);
	assert.equal(hosts.evicted, 2);
	assert.equal(hosts.find(d.address), undefined);
	const returned = hosts.row(a.address, plain)!;
	assert.deepEqual([returned.packets, returned.bytesIn, returned.bytesOut, returned.flows, returned.peers], [1, fourth.length, 0, 0, 0]);
	assert.deepEqual(hosts.peersOf(a.address, plain), []);
	const kept = hosts.row(b.address, plain)!;
	assert.deepEqual([kept.packets, kept.flows, kept.peers], [2, 1, 1]);
	assert.deepEqual(hosts.peersOf(b.address, plain), [{address: a.address, internal: true, flows: 1, bytes: first.length + fourth.length}]);
	assert.deepEqual(hosts.peersOf(c.address, plain), [{address: d.address, internal: true, flows: 1, bytes: second.length + third.length}]);
});

test('the peer cap bounds each host\'s peers; IPv6 peers keep their text form', () => {
	const pipeline = newPipeline();
	const client: Endpoint = {address: '192.168.1.9', port: 40000};
	for (let index = 0; index < 300; index++) {
		pipeline.packet(frameRecord(udpFrame(client, {address: `203.0.${index >> 8}.${index & 0xff}`, port: 53}, 'q'), startMicros + index));
	}
	assert.equal(pipeline.hosts.row(client.address, plain)!.peers, 256);
	assert.equal(pipeline.hosts.row(client.address, plain)!.flows, 300);
	assert.equal(pipeline.hosts.peersOf(client.address, plain, 1000).length, 256);
	assert.equal(pipeline.hosts.peersOf(client.address, plain)[0]!.address, '203.0.0.0');
	const v6 = Uint8Array.from(Buffer.from(
		'001b213a4f0152540012345686dd6000000000101140fe80000000000000000000000000000120010db8000000000000000000000099' +
		'9c4000350010000071756572797175',
		'hex',
	));
	pipeline.packet(frameRecord(v6, startMicros + 1000));
	assert.deepEqual(pipeline.hosts.peersOf('fe80::1', plain), [{address: '2001:db8::99', internal: false, flows: 1, bytes: v6.length}]);
	assert.equal(pipeline.flows.flowsOf('2001:db8::99', 5).rows[0]!.client, 'fe80::1');
});

test('peer bytes add up across flows that ended and flows still live', () => {
	const pipeline = newPipeline();
	const client: Endpoint = {address: '192.168.1.9', port: 40000};
	const resolver: Endpoint = {address: '192.168.1.1', port: 53};
	const query = udpFrame(client, resolver, 'query');
	const answer = udpFrame(resolver, client, 'a longer answer');
	pipeline.packet(frameRecord(query, startMicros));
	pipeline.packet(frameRecord(answer, startMicros + 1));
	pipeline.tick(startMicros + 61_000_000);
	assert.equal(pipeline.flows.active, 0);
	const again = udpFrame({...client, port: 40001}, resolver, 'query again');
	pipeline.packet(frameRecord(again, startMicros + 62_000_000));
	const expected = {address: resolver.address, internal: true, flows: 2, bytes: query.length + answer.length + again.length};
	assert.deepEqual(pipeline.hosts.peersOf(client.address, plain), [expected]);
	pipeline.packet(frameRecord(again, startMicros + 62_000_001));
	assert.equal(pipeline.hosts.peersOf(client.address, plain)[0]!.bytes, expected.bytes + again.length);
	pipeline.flush();
	assert.equal(pipeline.hosts.peersOf(resolver.address, plain)[0]!.bytes, expected.bytes + again.length);
});
