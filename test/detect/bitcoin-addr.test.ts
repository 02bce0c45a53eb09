// Addresses a Bitcoin node relays with NODE_P2P_V2 in cleartext `addr`/`addrv2` (BIP155) vouch for a
// later v2-shaped flow to that address and port, and only to it; the relaying flow's own verdict
// settles at its handshake as before, and hostile counts and lengths are read as nothing.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {bitcoinV2Exchange} from '../../fixtures/builder/conversations/bitcoin-v2-peer.js';
import {parseAddr, parseAddrv2} from '../../source/detect/bitcoin-addr.js';
import type {Alert} from '../../source/model/messages.js';
import {addrPayload, addrv2Payload, bitcoinMessage, compactSize, concatBytes, versionPayload, type RelayedEntry} from './support/bitcoin-builder.js';
import {harness, type Harness} from './support/engine-harness.js';
import {playExchange} from './support/exchange-player.js';
import type {FakeFlow} from './support/fake-flow.js';

const mainnet = 0xf9beb4d9;
const litecoin = 0xfbc0b6db;
/** NETWORK, WITNESS and P2P_V2; and the same without P2P_V2. */
const v2Services = 0x809n;
const v1Services = 0x9n;
const relayer = '192.0.2.60';
const oddPort = 40_123;

/** A v1 connection from 10.0.0.9 to `relayer` whose handshake is complete: the flow is settled and reported. */
function v1Peer(h: Harness, magic = mainnet): FakeFlow {
	const flow = h.open({client: '10.0.0.9', server: relayer, serverPort: 8333});
	h.send(flow, 'client', bitcoinMessage(magic, 'version', versionPayload({services: v1Services})));
	h.send(flow, 'server', concatBytes(bitcoinMessage(magic, 'version', versionPayload({services: v1Services})), bitcoinMessage(magic, 'verack', new Uint8Array(0))));
	assert.equal(flow.classified, true, 'the verdict settles at the handshake');
	assert.equal(h.latest().length, 1);
	return flow;
}

/** A v2 session from 10.0.0.5 to `server` and `serverPort`; its bitcoin-v2 alert. */
function v2SessionTo(h: Harness, server: string, serverPort: number): Alert | undefined {
	const flow = h.open({client: '10.0.0.5', server, serverPort});
	playExchange(h, flow, bitcoinV2Exchange({opener: 'bitcoind-coalesced', listener: 'bitcoind-coalesced', openerGarbage: 1000, listenerGarbage: 2000, seed: 3, listenerAddress: server, listenerPort: serverPort, startMicros: flow.firstSeenMicros}));
	h.end(flow);
	return h.latest().find((alert) => alert.protocol === 'bitcoin-p2p-v2' && alert.peer === server && alert.port === serverPort);
}

const relayedLine = (address: string, port: number, command: string): string => `reputation: ${relayer} relayed ${address} port ${port} with NODE_P2P_V2 (BIP324) in a cleartext bitcoin-mainnet ${command}`;

test('an addrv2 relaying an address and port with NODE_P2P_V2 vouches for a v2 flow to it, not to other ports or addresses', () => {
	const h = harness();
	const peer = v1Peer(h);
	const entries: RelayedEntry[] = [
		{address: '198.51.100.7', port: oddPort, services: v2Services},
		{address: '198.51.100.8', port: oddPort, services: v1Services},
		{address: new Uint8Array(32).fill(7), port: oddPort, services: v2Services, networkId: 4},
	];
	h.send(peer, 'server', concatBytes(bitcoinMessage(mainnet, 'sendcmpct', new Uint8Array(9)), bitcoinMessage(mainnet, 'addrv2', addrv2Payload(entries))));
	h.end(peer);
	const plain = v2SessionTo(harness(), '198.51.100.7', oddPort);
	const relayed = v2SessionTo(h, '198.51.100.7', oddPort);
	assert.ok(relayed?.evidence.includes(relayedLine('198.51.100.7', oddPort, 'addrv2')), relayed?.evidence.join(' / '));
	assert.equal(relayed?.certainty, plain!.certainty + 10);
	assert.equal(relayed?.network, 'bitcoin-mainnet', 'the relaying chain names it');
	for (const [address, port] of [['198.51.100.7', oddPort + 1], ['198.51.100.8', oddPort], ['198.51.100.9', oddPort]] as const) {
		const other = v2SessionTo(h, address, port);
		assert.ok(other !== undefined, `${address}:${port} is still a v2 node by its shape`);
		assert.ok(!other.evidence.some((line) => line.includes('relayed')), `${address}:${port}: ${other.evidence.join(' / ')}`);
		assert.equal(other.network, 'bitcoin-v2');
	}
	assert.deepEqual(h.latest().filter((alert) => alert.protocol === 'bitcoin-p2p').length, 1, 'the relaying flow raised its one alert, at its handshake');
});

test('an addr relaying IPv4-mapped and IPv6 addresses with NODE_P2P_V2 vouches for each, in the text flows use', () => {
	const h = harness();
	const peer = v1Peer(h);
	const ipv6 = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42]);
	h.send(peer, 'server', bitcoinMessage(mainnet, 'addr', addrPayload([{address: '198.51.100.7', port: 8333, services: v2Services}, {address: ipv6, port: 8333, services: v2Services}])));
	for (const address of ['198.51.100.7', '2001:db8::42']) {
		const alert = v2SessionTo(h, address, 8333);
		assert.ok(alert?.evidence.includes(relayedLine(address, 8333, 'addr')), alert?.evidence.join(' / '));
	}
});

test('addresses another chain relays do not vouch for BIP324', () => {
	const h = harness();
	const peer = v1Peer(h, litecoin);
	h.send(peer, 'server', bitcoinMessage(litecoin, 'addrv2', addrv2Payload([{address: '198.51.100.7', port: oddPort, services: v2Services}])));
	const alert = v2SessionTo(h, '198.51.100.7', oddPort);
	assert.ok(!alert?.evidence.some((line) => line.includes('relayed')), alert?.evidence.join(' / '));
});

test('a settled flow is read on only so far: past 32 messages a direction, an addrv2 is not read and the reassembly may stop', () => {
	const h = harness();
	const peer = v1Peer(h);
	for (let ping = 0; ping < 30; ping++) h.send(peer, 'server', bitcoinMessage(mainnet, 'ping', new Uint8Array(8).fill(ping)));
	assert.notEqual(peer.settledReaders, 0, 'the client side still reads on');
	h.send(peer, 'server', bitcoinMessage(mainnet, 'addrv2', addrv2Payload([{address: '198.51.100.7', port: oddPort, services: v2Services}])));
	// A block's header promising more than the budget ends the client side's reading on as well.
	const header = bitcoinMessage(mainnet, 'block', new Uint8Array(0));
	new DataView(header.buffer).setUint32(16, 100_000, true);
	h.send(peer, 'client', header);
	assert.equal(peer.settledReaders, 0);
	const alert = v2SessionTo(h, '198.51.100.7', oddPort);
	assert.ok(!alert?.evidence.some((line) => line.includes('relayed')), alert?.evidence.join(' / '));
});

test('hostile addr and addrv2 payloads are read as nothing and never throw', () => {
	const good = addrv2Payload([{address: '198.51.100.7', port: 8333, services: v2Services}]);
	assert.deepEqual(parseAddrv2(good, 0, good.length), [{address: '198.51.100.7', port: 8333, servicesLow: 0x809}]);
	const entry = good.subarray(1);
	const hostile: Array<[label: string, command: 'addr' | 'addrv2', payload: Uint8Array]> = [
		['a count of 2^32 - 1', 'addrv2', concatBytes(compactSize(0xffff_ffff), entry)],
		['a count of 2^64 - 1', 'addr', concatBytes(compactSize(0xffff_ffff_ffff_ffffn), new Uint8Array(30))],
		['1001 entries, over Bitcoin Core\'s 1000', 'addrv2', addrv2Payload(Array.from({length: 1001}, () => ({address: '198.51.100.7', port: 8333, services: v2Services})))],
		['a count beyond the entries', 'addrv2', concatBytes(compactSize(2), entry)],
		['addr entries not 30 bytes each', 'addr', concatBytes(compactSize(1), new Uint8Array(26))],
		['an IPv4 address of 5 bytes', 'addrv2', addrv2Payload([{address: new Uint8Array(5), port: 8333, services: v2Services, networkId: 1}])],
		['an IPv6 address of 4 bytes', 'addrv2', addrv2Payload([{address: new Uint8Array(4), port: 8333, services: v2Services, networkId: 2}])],
		['an address length of 2^32 - 1', 'addrv2', concatBytes(compactSize(1), entry.subarray(0, 7), compactSize(0xffff_ffff), new Uint8Array(6))],
		['an address of 513 bytes (BIP155 allows 512)', 'addrv2', addrv2Payload([{address: new Uint8Array(513), port: 8333, services: v2Services, networkId: 4}])],
		['services cut short', 'addrv2', concatBytes(compactSize(1), entry.subarray(0, 5))],
		['trailing bytes', 'addrv2', concatBytes(good, new Uint8Array([0]))],
		['nothing at all', 'addr', new Uint8Array(0)],
	];
	for (const [label, command, payload] of hostile) {
		const parse = command === 'addr' ? parseAddr : parseAddrv2;
		assert.equal(parse(payload, 0, payload.length), undefined, label);
		const h = harness();
		const peer = v1Peer(h);
		h.send(peer, 'server', bitcoinMessage(mainnet, command, payload));
		h.end(peer);
		const alert = v2SessionTo(h, '198.51.100.7', 8333);
		assert.ok(!alert?.evidence.some((line) => line.includes('relayed')), `${label}: ${alert?.evidence.join(' / ')}`);
	}
});

test('an addrv2 in the segment that completes the handshake is read at once, the verdict unchanged', () => {
	const h = harness();
	const flow = h.open({client: '10.0.0.9', server: relayer, serverPort: 8333});
	h.send(flow, 'client', bitcoinMessage(mainnet, 'version', versionPayload({services: v1Services})));
	const relay = bitcoinMessage(mainnet, 'addrv2', addrv2Payload([{address: '198.51.100.7', port: oddPort, services: v2Services}]));
	h.send(flow, 'server', concatBytes(bitcoinMessage(mainnet, 'version', versionPayload({services: v1Services, userAgent: '/Satoshi:28.1.0/'})), bitcoinMessage(mainnet, 'verack', new Uint8Array(0)), relay));
	assert.equal(flow.classified, true);
	const [node] = h.latest();
	assert.equal(node?.certainty, 98);
	assert.equal(node.evidence.length, 4, node.evidence.join(' / '));
	const alert = v2SessionTo(h, '198.51.100.7', oddPort);
	assert.ok(alert?.evidence.includes(relayedLine('198.51.100.7', oddPort, 'addrv2')), alert?.evidence.join(' / '));
});
