// Bitcoin P2P v2 (BIP324) by shape: real BIP324 sessions from the fixture builder (ChaCha20-Poly1305
// over seeded keys) as bitcoind and the Python test framework write them, played into the engine
// segment by segment; and the look-alikes that are random from byte 0 too, which must stay silent.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {bitcoinV2Exchange, type V2Implementation, type V2PeerOptions} from '../../fixtures/builder/conversations/bitcoin-v2-peer.js';
import {innerProtocols, randomFlightsExchange, stratumV2Exchange, tlsThenRandomExchange, tunnelExchange, type Tunnel} from '../../fixtures/builder/conversations/encrypted-lookalikes.js';
import type {Exchange} from '../../fixtures/builder/conversations/exchange.js';
import {dnsQuery, dnsResponse} from '../../fixtures/builder/protocols/dns.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';
import type {Alert} from '../../source/model/messages.js';
import {bitcoinMessage, versionPayload} from './support/bitcoin-builder.js';
import {harness, type Harness} from './support/engine-harness.js';
import {playExchange} from './support/exchange-player.js';
import type {FakeFlowOptions} from './support/fake-flow.js';
import {replayFixture} from '../fixtures/support/fixture-replay.js';

const implementations: readonly V2Implementation[] = ['bitcoind-coalesced', 'bitcoind-per-message', 'test-framework'];
const oddPort = 40_123;

type SessionOptions = Partial<V2PeerOptions> & {flow?: FakeFlowOptions};

/** Plays one v2 session from its SYN to its end; returns the bitcoin-v2 alerts raised. */
function v2Session(h: Harness, options: SessionOptions = {}): Alert[] {
	const flowOptions = {serverPort: oddPort, ...options.flow};
	const flow = h.open(flowOptions);
	const exchange = bitcoinV2Exchange({
		opener: 'bitcoind-coalesced',
		listener: 'bitcoind-coalesced',
		openerGarbage: 1000,
		listenerGarbage: 2000,
		seed: 1,
		listenerAddress: flow.serverAddress,
		listenerPort: flow.serverPort,
		startMicros: flow.firstSeenMicros,
		...options,
	});
	playExchange(h, flow, exchange);
	h.end(flow);
	return v2Alerts(h);
}

function v2Alerts(h: Harness): Alert[] {
	return h.latest().filter((alert) => alert.protocol === 'bitcoin-p2p-v2');
}

function played(exchange: Exchange, serverPort: number): Alert[] {
	const h = harness();
	const flow = h.open({serverPort});
	playExchange(h, flow, exchange);
	h.end(flow);
	return h.latest();
}

/** Garbage lengths across 0..4095; no pair puts both first flights in MSE's 96..608 (tested apart). */
const garbagePairs: ReadonlyArray<[opener: number, listener: number]> = [[0, 0], [0, 4095], [4095, 0], [4095, 4095], [1, 2047], [2048, 600], [3000, 3001], [700, 100], [31, 509]];

test('BIP324 sessions of every implementation pair, garbage 0..4095, are a bitcoin-v2 node on an odd port', () => {
	for (const opener of implementations) {
		for (const listener of implementations) {
			garbagePairs.forEach(([openerGarbage, listenerGarbage], index) => {
				const h = harness();
				const [alert, ...more] = v2Session(h, {opener, listener, openerGarbage, listenerGarbage, seed: 100 + index});
				const label = `${opener} → ${listener}, garbage ${openerGarbage}/${listenerGarbage}`;
				assert.equal(more.length, 0, label);
				assert.equal(alert?.detection, 'bitcoin-node', label);
				assert.equal(alert.host, '10.0.0.5');
				assert.equal(alert.peer, '203.0.113.7');
				assert.equal(alert.hostRole, 'node');
				assert.equal(alert.network, 'bitcoin-v2', 'an odd port names no chain');
				assert.equal(alert.certainty, 45);
				assert.equal(alert.severity, 'low', 'shape-only certainty lowers the medium of an outbound node');
				assert.ok(alert.evidence.every((line) => line.startsWith('shape:')), `${label}: ${alert.evidence.join(' / ')}`);
				assert.ok(alert.evidence[0]!.startsWith(`shape: BIP324 v2 handshake: ${64 + openerGarbage} random bytes from 10.0.0.5`), label);
				assert.deepEqual(h.latest().filter((other) => other.protocol !== 'bitcoin-p2p-v2'), [], label);
			});
		}
	}
});

test('seeded sessions with random garbage and user agents: at least 95 in 100 of every pair are found', () => {
	const random = new SeededRandom(0xb324);
	const agents = ['/Satoshi:27.0.0/', '/Satoshi:28.1.0/', '/Satoshi:27.1.0/Knots:20240801/', '/btcwire:0.5.0/btcd:0.24.2/'];
	const found: string[] = [];
	for (const opener of implementations) {
		for (const listener of implementations) {
			let hits = 0;
			for (let session = 0; session < 100; session++) {
				const h = harness();
				const alerts = v2Session(h, {
					opener,
					listener,
					openerGarbage: random.integer(0, 4095),
					listenerGarbage: random.integer(0, 4095),
					openerAgent: opener === 'test-framework' ? undefined : random.pick(agents),
					listenerAgent: listener === 'test-framework' ? undefined : random.pick(agents),
					openerSyncsHeaders: random.next() < 0.5,
					durationMicros: 60_000_000,
					seed: random.uint32(),
				});
				if (alerts.length === 1) hits++;
			}
			found.push(`${opener} → ${listener}: ${hits}`);
			assert.ok(hits >= 95, found.join('; '));
		}
	}
});

test('a Bitcoin port names the chain and adds certainty, after the shape', () => {
	const chains: Record<number, string> = {8333: 'bitcoin-mainnet', 18333: 'bitcoin-testnet3', 48333: 'bitcoin-testnet4', 38333: 'bitcoin-signet', 18444: 'bitcoin-regtest'};
	for (const [port, chain] of Object.entries(chains)) {
		const [alert] = v2Session(harness(), {flow: {serverPort: Number(port)}});
		assert.equal(alert?.network, chain);
		assert.equal(alert.certainty, 55);
		assert.equal(alert.severity, 'medium');
		assert.equal(alert.evidence.at(-1), `port: ${port} is the ${chain} P2P port`);
	}
});

test('an outside node opening a v2 connection to a home node shows it listening', () => {
	const [alert] = v2Session(harness(), {flow: {client: '198.51.100.9', server: '10.0.0.5', serverPort: 8333}});
	assert.equal(alert?.host, '10.0.0.5');
	assert.equal(alert.direction, 'external-internal');
	assert.equal(alert.severity, 'high');
	assert.ok(alert.evidence.some((line) => line.includes('accepts inbound P2P connections on port 8333')));
});

/** NETWORK and WITNESS, without NODE_P2P_V2. */
const v1OnlyServices = 0x9n;
const v2Services = 0x809n;

interface V1Ends {
	client?: string;
	server?: string;
	clientServices?: bigint;
	serverServices?: bigint;
}

/** A v1 version handshake (by default 10.0.0.5 to 192.0.2.50, neither advertising v2) with the magic of `magic`'s chain. */
function v1Handshake(h: Harness, magic: number, ends: V1Ends = {}): void {
	const flow = h.open({client: ends.client ?? '10.0.0.5', server: ends.server ?? '192.0.2.50', serverPort: 28_333});
	h.send(flow, 'client', bitcoinMessage(magic, 'version', versionPayload({services: ends.clientServices ?? v1OnlyServices})));
	h.send(flow, 'server', bitcoinMessage(magic, 'version', versionPayload({services: ends.serverServices ?? v1OnlyServices})));
	h.send(flow, 'server', bitcoinMessage(magic, 'verack', new Uint8Array(0)));
	h.end(flow);
}

test('the host seen speaking cleartext Bitcoin raises certainty and names the chain of a v2 flow on an odd port', () => {
	const h = harness();
	v1Handshake(h, 0x1c163f28);
	const [alert] = v2Session(h);
	assert.equal(alert?.network, 'bitcoin-testnet4');
	assert.equal(alert.certainty, 60);
	assert.ok(alert.evidence.includes('reputation: 10.0.0.5 also speaks cleartext bitcoin-testnet4 P2P'), alert.evidence.join(' / '));
});

test('a Bitcoin DNS seed lookup by the host raises certainty; the lookup alone is then not raised', () => {
	const h = harness();
	const dns = h.open({transport: 'udp', server: '10.0.0.1', clientPort: 53_001, serverPort: 53});
	h.datagram(dns, 'client', dnsQuery(7, 'x9.seed.bitcoin.sipa.be'));
	h.datagram(dns, 'server', dnsResponse(7, 'x9.seed.bitcoin.sipa.be', {addresses: ['198.51.100.70']}));
	const [alert] = v2Session(h);
	h.end(dns);
	assert.equal(alert?.certainty, 60);
	assert.equal(alert.network, 'bitcoin-mainnet');
	assert.ok(alert.evidence.includes('reputation: 10.0.0.5 looked up a bitcoin-mainnet DNS seed'));
	assert.deepEqual(h.latest().map((raised) => raised.protocol), ['bitcoin-p2p-v2'], 'the held seed lookup adds nothing once the node is known');
});

test('another chain on the host does not vouch for a v2 flow', () => {
	const h = harness();
	v1Handshake(h, 0xfbc0b6db);
	const [alert] = v2Session(h);
	assert.equal(alert?.network, 'bitcoin-v2');
	assert.equal(alert.certainty, 45);
});

test('a handshake whose first flights both fit MSE (96..608 bytes) is reported only when the host runs Bitcoin', () => {
	assert.deepEqual(v2Session(harness(), {openerGarbage: 100, listenerGarbage: 300}), []);
	const h = harness();
	v1Handshake(h, 0xf9beb4d9);
	assert.equal(v2Session(h, {openerGarbage: 100, listenerGarbage: 300}).length, 1);
});

test('a capture that joined mid-connection is not judged: the shape starts at byte 0', () => {
	assert.deepEqual(v2Session(harness(), {flow: {sawSyn: false}}), []);
});

test('obfs4, Shadowsocks and MSE around web TLS, Tor, SSH, chat keepalives and BitTorrent raise nothing, on 8333 too', () => {
	const random = new SeededRandom(0x7a5);
	const noisy: string[] = [];
	for (const tunnel of ['obfs4', 'shadowsocks', 'mse'] as Tunnel[]) {
		for (const protocol of innerProtocols) {
			for (const port of [8333, 443, 9001]) {
				for (let session = 0; session < 60; session++) {
					const alerts = played(tunnelExchange(tunnel, protocol, random), port);
					if (alerts.length > 0) noisy.push(`${tunnel}/${protocol} on ${port}: ${alerts[0]!.evidence.join(' / ')}`);
				}
			}
		}
	}
	assert.deepEqual(noisy, []);
});

test('Stratum V2 (64 then 234 bytes) is Stratum V2, never Bitcoin v2', () => {
	const random = new SeededRandom(0x5f2);
	for (let session = 0; session < 200; session++) {
		const alerts = played(stratumV2Exchange(random), session % 2 === 0 ? 8333 : 34_254);
		assert.deepEqual(alerts.map((alert) => alert.protocol), ['stratum-v2']);
	}
});

test('TLS whose records look random, and random flights either way, raise nothing: a port and randomness are not enough', () => {
	const random = new SeededRandom(0x71);
	for (let session = 0; session < 300; session++) {
		assert.deepEqual(played(tlsThenRandomExchange(random), 8333), []);
		assert.deepEqual(played(randomFlightsExchange(random), 8333), []);
	}
});

test('a v2 attempt the listener closes without a byte (then v1 on the same port) is not a v2 node', () => {
	const h = harness();
	const attempt = h.open({serverPort: 8333});
	h.send(attempt, 'client', new SeededRandom(4).bytes(64 + 1234));
	h.end(attempt);
	assert.deepEqual(h.latest(), []);
});

test('an end that advertised NODE_P2P_V2 in its cleartext version vouches for a v2 flow more than one seen speaking v1 only', () => {
	const opener = harness();
	v1Handshake(opener, 0xf9beb4d9, {clientServices: v2Services});
	const [fromOpener] = v2Session(opener);
	assert.equal(fromOpener?.certainty, 70);
	assert.ok(fromOpener.evidence.includes('reputation: 10.0.0.5 also speaks cleartext bitcoin-mainnet P2P and advertised NODE_P2P_V2 (BIP324) in its version'), fromOpener.evidence.join(' / '));
	// Another host's v1 connection shows the listener advertising v2: the opener itself was never seen.
	const listener = harness();
	v1Handshake(listener, 0xf9beb4d9, {client: '10.0.0.9', server: '203.0.113.7', serverServices: v2Services});
	const [toListener] = v2Session(listener);
	assert.equal(toListener?.certainty, 70);
	assert.ok(toListener.evidence.includes('reputation: 203.0.113.7 also speaks cleartext bitcoin-mainnet P2P and advertised NODE_P2P_V2 (BIP324) in its version'), toListener.evidence.join(' / '));
	// The end that advertised v2 is named even when the other end was seen first.
	const both = harness();
	v1Handshake(both, 0xf9beb4d9);
	v1Handshake(both, 0xf9beb4d9, {client: '10.0.0.9', server: '203.0.113.7', serverServices: v2Services});
	assert.equal(v2Session(both)[0]?.certainty, 70);
});

/**
 * A v2 attempt from 10.0.0.5 to `port` (random key and garbage) that the listener closes without a
 * byte, or answers with `answer` bytes; then, `gapMicros` after it ended, a v1 connection to
 * `retryPort` of the same address. Returns the v1 connection's alert.
 */
function fallback(options: {gapMicros?: number; answer?: number; retryPort?: number} = {}): Alert | undefined {
	const h = harness();
	const random = new SeededRandom(0xfa11);
	const attempt = h.open({server: '192.0.2.60', serverPort: 8333});
	h.send(attempt, 'client', random.bytes(64 + 1900));
	if (options.answer !== undefined) h.send(attempt, 'server', random.bytes(options.answer), 30_000);
	h.end(attempt);
	const retry = h.open({server: '192.0.2.60', serverPort: options.retryPort ?? 8333, clientPort: 50_001, startMicros: attempt.lastSeenMicros + (options.gapMicros ?? 500_000)});
	h.send(retry, 'client', bitcoinMessage(0xf9beb4d9, 'version', versionPayload()));
	h.send(retry, 'server', bitcoinMessage(0xf9beb4d9, 'version', versionPayload()), 30_000);
	h.send(retry, 'server', bitcoinMessage(0xf9beb4d9, 'verack', new Uint8Array(0)));
	h.end(retry);
	const alerts = h.latest();
	assert.ok(alerts.every((alert) => alert.protocol === 'bitcoin-p2p'), 'the attempt alone raises nothing');
	return alerts[0];
}

function isFallbackLine(line: string, opener = '10.0.0.5'): boolean {
	const match = /^shape: opened \d+ ms after an attempt from (\S+) to the same address and port whose random opening bytes got no answer: a BIP324 opener falling back to v1$/.exec(line);
	return match?.[1] === opener;
}

test('a v1 connection half a second after an unanswered v2 attempt to the same address and port is the v1 fallback', () => {
	const alert = fallback();
	assert.equal(alert?.detection, 'bitcoin-node');
	assert.equal(alert.network, 'bitcoin-mainnet');
	assert.ok(alert.evidence.some((line) => isFallbackLine(line)), alert.evidence.join(' / '));
	assert.ok(alert.evidence.includes('shape: opened 500 ms after an attempt from 10.0.0.5 to the same address and port whose random opening bytes got no answer: a BIP324 opener falling back to v1'));
});

test('no fallback when the retry comes late, goes to another port, or the attempt was answered', () => {
	for (const [label, options] of [['8 s later', {gapMicros: 8_000_000}], ['another port', {retryPort: 8334}], ['answered', {answer: 200}]] as const) {
		const alert = fallback(options);
		assert.equal(alert?.detection, 'bitcoin-node', label);
		assert.ok(!alert.evidence.some((line) => isFallbackLine(line)), `${label}: ${alert.evidence.join(' / ')}`);
	}
});

test('the fixture\'s v1 fallback (bitcoin-v2.pcapng, 10.0.3.17 to 192.0.2.60:8333) carries the tell when replayed', () => {
	const {alerts} = replayFixture('bitcoin-v2.pcapng');
	const retry = alerts.find((alert) => alert.host === '10.0.3.17' && alert.peer === '192.0.2.60');
	assert.equal(retry?.protocol, 'bitcoin-p2p');
	assert.ok(retry.evidence.some((line) => isFallbackLine(line, '10.0.3.17')), retry.evidence.join(' / '));
	assert.equal(alerts.filter((alert) => alert.evidence.some((line) => line.includes('falling back to v1'))).length, 1, 'only the connection after the attempt');
});
