// Ethereum devp2p by what the wire shows without keys: discovery v4 proven by its keccak256 hash
// (EIP-8's published packets and the builder's), RLPx by its EIP-8 handshake sizes and 16-byte
// framing (EIP-8's published handshake packets, then frames from the builder's AES-CTR writer), and
// discovery v5's sizes as evidence that never alerts alone.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {rlpxExchange} from '../../fixtures/builder/conversations/ethereum-peer.js';
import * as devp2p from '../../fixtures/builder/protocols/devp2p.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';
import type {Alert} from '../../source/model/messages.js';
import {harness, type Harness} from './support/engine-harness.js';
import * as eip8 from './support/eip8-vectors.js';
import {playExchange} from './support/exchange-player.js';
import type {FakeFlow} from './support/fake-flow.js';

function devp2pAlerts(h: Harness): Alert[] {
	return h.latest().filter((alert) => alert.protocol === 'devp2p');
}

function udpFlow(h: Harness): FakeFlow {
	return h.open({transport: 'udp', sawSyn: false, clientPort: 30_303, serverPort: 30_303});
}

test('EIP-8\'s published discovery v4 packets are proven by their hash, whatever their version or trailing data', () => {
	for (const [name, packet] of Object.entries({ping: eip8.discv4PingVersion4, 'ping 555': eip8.discv4PingVersion555, pong: eip8.discv4Pong, findnode: eip8.discv4FindNode, neighbors: eip8.discv4Neighbors})) {
		const h = harness();
		const flow = h.open({transport: 'udp', sawSyn: false, clientPort: 40_001, serverPort: 40_000});
		h.datagram(flow, 'client', packet);
		h.end(flow);
		const [alert, ...more] = devp2pAlerts(h);
		assert.equal(more.length, 0, name);
		assert.equal(alert?.detection, 'crypto-node', name);
		assert.equal(alert.host, '10.0.0.5');
		assert.equal(alert.peer, '203.0.113.7');
		assert.equal(alert.network, 'devp2p', 'discovery names no chain');
		assert.equal(alert.certainty, 85, name);
		assert.match(alert.evidence[0]!, new RegExp(`^content: discovery v4 ${name.split(' ')[0]} from 10\\.0\\.0\\.5: its first 32 bytes are the keccak256 hash of the rest$`), name);
		assert.equal(alert.evidence.length, 1, 'no port line off 30303');
	}
});

test('a ping answered by a pong shows both ends running discovery, in one alert', () => {
	const h = harness();
	const flow = udpFlow(h);
	h.datagram(flow, 'client', eip8.discv4PingVersion4);
	h.datagram(flow, 'server', eip8.discv4Pong, 30_000);
	h.end(flow);
	assert.equal(h.alerts.length, 1, 'the held ping is replaced by the exchange, not raised and updated');
	const [alert] = devp2pAlerts(h);
	assert.equal(alert?.certainty, 90);
	assert.deepEqual(alert.evidence.slice(1), ['content: discovery v4 pong from 203.0.113.7, hash checked too: both ends run discovery', 'port: 30303 is the devp2p port']);
});

test('a packet with one byte changed anywhere is not discovery v4', () => {
	const random = new SeededRandom(0xd15c);
	for (let trial = 0; trial < 40; trial++) {
		const packet = eip8.discv4PingVersion555.slice();
		const at = random.integer(0, packet.length - 1);
		packet[at] ^= 1 << random.integer(0, 7);
		const h = harness();
		const flow = udpFlow(h);
		h.datagram(flow, 'client', packet);
		h.end(flow);
		assert.deepEqual(devp2pAlerts(h), [], `byte ${at} changed`);
	}
});

test('discovery v5 alone, by its sizes, never raises an alert; beside discovery v4 on the same socket it adds a line', () => {
	for (const versions of ['v5', 'v4+v5'] as const) {
		const h = harness();
		const flow = udpFlow(h);
		const random = new SeededRandom(5);
		h.datagram(flow, 'client', devp2p.discv5MessagePacket(random, 14));
		h.datagram(flow, 'server', devp2p.discv5WhoAreYou(random));
		h.datagram(flow, 'client', devp2p.discv5HandshakePacket(random, 14, 0));
		h.datagram(flow, 'server', devp2p.discv5MessagePacket(random, 400));
		if (versions === 'v4+v5') {
			h.datagram(flow, 'client', eip8.discv4PingVersion4);
			h.datagram(flow, 'server', eip8.discv4Pong);
		}
		h.end(flow);
		const alerts = devp2pAlerts(h);
		if (versions === 'v5') {
			assert.deepEqual(alerts, []);
			continue;
		}
		assert.equal(alerts.length, 1);
		assert.equal(alerts[0]!.certainty, 95);
		assert.ok(alerts[0]!.evidence.includes('shape: discovery v5 on the same socket: a 63-byte WHOAREYOU answering a packet, then a handshake packet'));
	}
});

test('random datagrams of discovery\'s sizes on 30303 raise nothing', () => {
	const random = new SeededRandom(0x7a2);
	const h = harness();
	for (let flowIndex = 0; flowIndex < 50; flowIndex++) {
		const flow = h.open({transport: 'udp', sawSyn: false, clientPort: 40_000 + flowIndex, serverPort: 30_303});
		for (let index = 0; index < 20; index++) h.datagram(flow, index % 2 === 0 ? 'client' : 'server', random.bytes(random.integer(63, 1280)));
		h.end(flow);
	}
	assert.deepEqual(h.latest(), []);
});

/** Plays EIP-8's auth and ack, then `frames` (side, message ID, payload length) from the builder's frame writers. */
function rlpxWithPublishedHandshake(h: Harness, frames: ReadonlyArray<[side: 'client' | 'server', id: number, payloadBytes: number]>, auth = eip8.rlpxAuth): Alert[] {
	const random = new SeededRandom(0x8);
	const writers = {client: new devp2p.FrameWriter(random), server: new devp2p.FrameWriter(random)};
	const flow = h.open({serverPort: 30_303});
	h.send(flow, 'client', auth);
	h.send(flow, 'server', eip8.rlpxAck, 20_000);
	for (const [side, id, payloadBytes] of frames) h.send(flow, side, writers[side].frame(id, devp2p.opaquePayload(random, payloadBytes)), 20_000);
	h.end(flow);
	return devp2pAlerts(h);
}

test('EIP-8\'s published auth and ack, then Hello and Status frames each way, are a devp2p node on 30303', () => {
	for (const auth of [eip8.rlpxAuth, eip8.rlpxAuthWithAddedElements]) {
		const h = harness();
		const [alert, ...more] = rlpxWithPublishedHandshake(h, [['server', 0, 120], ['client', 0, 118], ['client', 0x10, 90], ['server', 0x10, 90]], auth);
		assert.equal(more.length, 0);
		assert.equal(alert?.detection, 'crypto-node');
		assert.equal(alert.hostRole, 'node');
		assert.equal(alert.network, 'devp2p');
		assert.equal(alert.certainty, 70);
		assert.equal(alert.evidence[0], `shape: RLPx handshake: a ${auth.length}-byte auth from 10.0.0.5 answered by a ${eip8.rlpxAck.length}-byte ack, each a plaintext 2-byte size and an ECIES ciphertext opening with an uncompressed key (EIP-8)`);
		assert.equal(alert.evidence.at(-1), 'port: 30303 is the devp2p port');
		assert.ok(alert.evidence.every((line) => line.startsWith('shape:') || line.startsWith('port:')));
	}
});

test('the handshake alone, or followed by bytes that are not 16-byte frames, raises nothing', () => {
	assert.deepEqual(rlpxWithPublishedHandshake(harness(), []), [], 'handshake only');
	const h = harness();
	const flow = h.open({serverPort: 30_303});
	const random = new SeededRandom(9);
	h.send(flow, 'client', eip8.rlpxAuth);
	h.send(flow, 'server', eip8.rlpxAck, 20_000);
	for (const [side, bytes] of [['server', 121], ['client', 135], ['server', 77], ['client', 200]] as const) h.send(flow, side, random.bytes(bytes), 20_000);
	h.end(flow);
	assert.deepEqual(devp2pAlerts(h), [], 'misaligned bursts');
});

test('an opener that sends more before the ack, or an ack of the wrong size, is not RLPx', () => {
	const random = new SeededRandom(10);
	const early = harness();
	const flow = early.open({serverPort: 30_303});
	early.send(flow, 'client', Buffer.concat([eip8.rlpxAuth, random.bytes(64)]));
	early.send(flow, 'server', eip8.rlpxAck, 20_000);
	for (const side of ['server', 'client', 'server', 'client'] as const) early.send(flow, side, random.bytes(64), 20_000);
	early.end(flow);
	assert.deepEqual(devp2pAlerts(early), [], 'bytes behind the auth');
	const wrongAck = harness();
	const second = wrongAck.open({serverPort: 30_303});
	wrongAck.send(second, 'client', eip8.rlpxAuth);
	const ack = eip8.rlpxAck.slice();
	ack[0] = 0x00;
	ack[1] = 0x90;
	wrongAck.send(second, 'server', ack, 20_000);
	for (const side of ['client', 'server', 'client'] as const) wrongAck.send(second, side, random.bytes(64), 20_000);
	wrongAck.end(second);
	assert.deepEqual(devp2pAlerts(wrongAck), [], 'a 144-byte ack size');
});

test('builder sessions with geth\'s padding of 100..299 bytes: all of 200 found, full peers included, on any port', () => {
	const random = new SeededRandom(0xe8);
	let found = 0;
	for (let session = 0; session < 200; session++) {
		const h = harness();
		const flow = h.open({serverPort: session % 2 === 0 ? 30_303 : random.integer(1024, 65_535)});
		playExchange(h, flow, rlpxExchange({seed: random.uint32(), listenerFull: session % 4 < 2, durationMicros: 20_000_000}));
		h.end(flow);
		const alerts = devp2pAlerts(h);
		if (alerts.length === 1 && alerts[0]!.certainty === (flow.serverPort === 30_303 ? 70 : 60)) found++;
	}
	assert.equal(found, 200);
});

test('the builder\'s ping and the pong naming its hash are proven both ways', () => {
	const h = harness();
	const flow = udpFlow(h);
	const random = new SeededRandom(3);
	const ping = devp2p.discv4Ping(random, {address: '10.0.0.5', udpPort: 30_303, tcpPort: 30_303}, {address: '203.0.113.7', udpPort: 30_303, tcpPort: 30_303}, 1_700_000_000);
	h.datagram(flow, 'client', ping);
	h.datagram(flow, 'server', devp2p.discv4Pong(random, {address: '10.0.0.5', udpPort: 30_303, tcpPort: 30_303}, ping, 1_700_000_000));
	h.end(flow);
	assert.equal(devp2pAlerts(h)[0]?.certainty, 90);
});

test('behind a sound handshake, bursts of random sizes rarely pass as frames (the handshake carries the rest)', () => {
	const random = new SeededRandom(0x16);
	let passed = 0;
	const sessions = 2000;
	for (let session = 0; session < sessions; session++) {
		const h = harness();
		const flow = h.open({serverPort: random.integer(1024, 65_535)});
		h.send(flow, 'client', devp2p.authPacket(random));
		h.send(flow, 'server', devp2p.ackPacket(random), 20_000);
		for (let burst = 0; burst < 12; burst++) h.send(flow, burst % 2 === 0 ? 'server' : 'client', random.bytes(random.integer(1, 3000)), 20_000);
		h.end(flow);
		passed += devp2pAlerts(h).length;
	}
	// One total in 16 is aligned by chance and a misaligned burst under an MSS ends the look: 15 of
	// these 2000 pass (a random stream first has to carry both handshake packets' exact structure).
	assert.ok(passed < sessions / 100, `${passed} of ${sessions}`);
});
