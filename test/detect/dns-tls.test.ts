import {test} from 'node:test';
import assert from 'node:assert/strict';
import {harness, type Harness} from './support/engine-harness.js';
import {PoolList} from '../../source/detect/pool-list.js';
import {bitcoinMessage, concatBytes, versionPayload} from './support/bitcoin-builder.js';
import {AlertRing} from '../../source/view/alert-ring.js';
import type {FakeFlow} from './support/fake-flow.js';

function dnsName(name: string): number[] {
	const bytes: number[] = [];
	for (const label of name.split('.')) bytes.push(label.length, ...Array.from(label, (character) => character.charCodeAt(0)));
	return [...bytes, 0];
}

function dnsQuery(id: number, name: string): Uint8Array {
	return new Uint8Array([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName(name), 0, 1, 0, 1]);
}

function dnsAnswer(id: number, name: string, addresses: number[][]): Uint8Array {
	const answers = addresses.flatMap((address) => [0xc0, 12, 0, address.length === 4 ? 1 : 28, 0, 1, 0, 0, 0x0e, 0x10, 0, address.length, ...address]);
	return new Uint8Array([id >> 8, id & 0xff, 0x81, 0x80, 0, 1, 0, addresses.length, 0, 0, 0, 0, ...dnsName(name), 0, 1, 0, 1, ...answers]);
}

function clientHello(serverName?: string): Uint8Array {
	const sni = serverName === undefined ? [] : (() => {
		const name = Array.from(serverName, (character) => character.charCodeAt(0));
		const list = [0, name.length >> 8, name.length & 0xff, ...name];
		return [0, 0, (list.length + 2) >> 8, (list.length + 2) & 0xff, list.length >> 8, list.length & 0xff, ...list];
	})();
	const extensions = [...sni, 0x00, 0x17, 0, 0];
	const body = [0x03, 0x03, ...new Array<number>(32).fill(0x42), 0, 0, 2, 0x13, 0x01, 1, 0, extensions.length >> 8, extensions.length & 0xff, ...extensions];
	const handshake = [1, 0, body.length >> 8, body.length & 0xff, ...body];
	return new Uint8Array([0x16, 0x03, 0x01, handshake.length >> 8, handshake.length & 0xff, ...handshake]);
}

/** A resolver exchange; the DNS flow stays open (as UDP flows do until their idle timeout) unless `end`. */
function lookup(h: Harness, name: string, addresses: number[][], querier = '10.0.0.5', end = true): FakeFlow {
	const flow = h.open({transport: 'udp', client: querier, server: '10.0.0.1', clientPort: 53_001, serverPort: 53});
	h.datagram(flow, 'client', dnsQuery(7, name));
	h.datagram(flow, 'server', dnsAnswer(7, name, addresses));
	if (end) h.end(flow);
	return flow;
}

test('pool.ntp.org and other look-alikes are not pools', () => {
	const h = harness();
	for (const name of ['pool.ntp.org', '0.debian.pool.ntp.org', 'carpool.example.com', 'mining.example.com', 'stratum.example.net', 'binance.com', 'notsupportxmr.com']) {
		lookup(h, name, [[192, 0, 2, 1]]);
	}
	assert.deepEqual(h.alerts, []);
	assert.equal(h.engine.hostInfo('192.0.2.1').name, 'notsupportxmr.com');
});

test('a pool lookup alone becomes a mining-pool-lookup once its grace period passes', () => {
	const h = harness();
	lookup(h, 'xmr-eu1.nanopool.org', [[51, 15, 58, 224], [51, 15, 65, 182]]);
	const [alert] = h.latest();
	assert.equal(alert?.detection, 'mining-pool-lookup');
	assert.equal(alert?.host, '10.0.0.5');
	assert.equal(alert?.peer, '51.15.58.224');
	assert.equal(alert?.peerName, 'xmr-eu1.nanopool.org');
	assert.equal(alert?.port, 0, 'no connection to the pool seen yet');
	assert.equal(alert?.hostRole, undefined, 'a lookup shows the host in no role');
	assert.deepEqual(h.engine.hostInfo('10.0.0.5').roles, [], 'as the host table says');
	assert.equal(alert?.protocol, 'dns');
	assert.equal(alert?.severity, 'medium');
	assert.deepEqual(alert?.evidence, ['reputation: DNS lookup of mining pool xmr-eu1.nanopool.org (nanopool.org) → 51.15.58.224, 51.15.65.182']);
	assert.equal(h.engine.hostInfo('51.15.65.182').name, 'xmr-eu1.nanopool.org');
	assert.deepEqual(h.engine.hostInfo('51.15.58.224').roles, ['pool']);
});

test('pool lookup then TLS without SNI to the learned address is mining; the lookup adds nothing more', () => {
	const h = harness();
	const dns = lookup(h, 'gulf.moneroocean.stream', [[198, 51, 100, 44]], '10.0.0.5', false);
	const tls = h.open({server: '198.51.100.44', serverPort: 443});
	h.send(tls, 'client', clientHello());
	h.end(tls);
	h.end(dns);
	const alerts = h.latest();
	assert.equal(alerts.length, 1, JSON.stringify(alerts));
	const alert = alerts[0]!;
	assert.equal(alert.detection, 'mining');
	assert.equal(alert.protocol, 'tls');
	assert.equal(alert.peer, '198.51.100.44');
	assert.equal(alert.port, 443);
	assert.equal(alert.peerName, 'gulf.moneroocean.stream');
	assert.equal(alert.certainty, 60);
	assert.deepEqual(alert.evidence, [
		'shape: TLS ClientHello without a server name or ALPN (stratum+ssl miners, unlike browsers and apps)',
		'reputation: 198.51.100.44 is mining pool gulf.moneroocean.stream',
	]);
	assert.equal(tls.family, 'pool-tls');
});

test('TLS without SNI to an address nobody named a pool is nothing', () => {
	const h = harness();
	const tls = h.open({server: '198.51.100.45', serverPort: 443});
	h.send(tls, 'client', clientHello());
	assert.equal(tls.classified, false, 'a hello naming nothing is left to the Stratum-over-TLS shape');
	h.end(tls);
	assert.deepEqual(h.alerts, []);
});

test('a pool SNI is a pool lookup and names the server', () => {
	const h = harness();
	const tls = h.open({server: '198.51.100.46', serverPort: 9000});
	h.send(tls, 'client', clientHello('pool.supportxmr.com'));
	h.end(tls);
	const [alert] = h.latest();
	assert.equal(alert?.detection, 'mining-pool-lookup');
	assert.equal(alert?.protocol, 'tls');
	assert.equal(alert?.peer, '198.51.100.46');
	assert.equal(alert?.port, 9000);
	assert.equal(h.engine.hostInfo('198.51.100.46').name, 'pool.supportxmr.com');
});

test('a hostile SNI is stored sanitized', () => {
	const h = harness();
	const tls = h.open({server: '198.51.100.47', serverPort: 443});
	h.send(tls, 'client', clientHello('evil\u001b]0;x\u0007.example'));
	assert.equal(h.engine.hostInfo('198.51.100.47').name, 'evil\\x1b]0;x\\x07.example');
});

test('a ClientHello split over two TLS records and two segments is read', () => {
	const h = harness();
	lookup(h, 'xmr.2miners.com', [[198, 51, 100, 48]], '10.0.0.5', false);
	const hello = clientHello();
	const handshake = hello.subarray(5);
	const first = concatBytes(new Uint8Array([0x16, 0x03, 0x01, 0, 20]), handshake.subarray(0, 20));
	const rest = handshake.subarray(20);
	const second = concatBytes(new Uint8Array([0x16, 0x03, 0x01, rest.length >> 8, rest.length & 0xff]), rest);
	const tls = h.open({server: '198.51.100.48', serverPort: 12_121});
	h.send(tls, 'client', first);
	h.send(tls, 'client', second);
	assert.equal(h.latest()[0]?.detection, 'mining');
});

test('a DNS seed lookup is a node starting up', () => {
	const h = harness();
	lookup(h, 'seed.bitcoin.sipa.be', [[203, 0, 113, 1]]);
	lookup(h, 'dnsseed.litecoinpool.org', [[203, 0, 113, 2]], '10.0.0.6');
	const alerts = h.latest();
	assert.equal(alerts.length, 2);
	assert.equal(alerts[0]?.detection, 'bitcoin-node');
	assert.equal(alerts[0]?.network, 'bitcoin-mainnet');
	assert.equal(alerts[0]?.certainty, 40);
	assert.equal(alerts[1]?.network, 'litecoin-mainnet');
});

test('a seed asked with the service filter Bitcoin Core puts in front (x9.) is a seed lookup; other x-labels are not', () => {
	const h = harness();
	lookup(h, 'x9.seed.bitcoin.sipa.be', [[203, 0, 113, 1]]);
	lookup(h, 'x49.dnsseed.bluematt.me', [[203, 0, 113, 2]], '10.0.0.6');
	lookup(h, 'xyz.seed.bitcoin.sipa.be', [[203, 0, 113, 3]], '10.0.0.7');
	const alerts = h.latest();
	assert.deepEqual(alerts.map((alert) => [alert.host, alert.network]), [['10.0.0.5', 'bitcoin-mainnet'], ['10.0.0.6', 'bitcoin-mainnet']]);
	assert.ok(alerts[0]?.evidence[0]?.includes('x9.seed.bitcoin.sipa.be'));
});

test('addresses listed with --pools make TLS without SNI mining evidence', () => {
	const h = harness({extraPools: PoolList.parse('# our threat intel\n203.0.113.99\nminer-proxy.example.net\n')});
	const tls = h.open({server: '203.0.113.99', serverPort: 8443});
	h.send(tls, 'client', clientHello());
	assert.equal(h.latest()[0]?.detection, 'mining');
	assert.equal(h.latest()[0]?.peerName, '203.0.113.99 (listed pool address)');
	h.end(tls);
	lookup(h, 'a.miner-proxy.example.net', [[203, 0, 113, 100]], '10.0.0.9');
	assert.equal(h.latest()[1]?.detection, 'mining-pool-lookup');
});

test('DNS over TCP is parsed too', () => {
	const h = harness();
	const flow = h.open({server: '10.0.0.1', serverPort: 53});
	const answer = dnsAnswer(9, 'eu.hashvault.pro', [[198, 51, 100, 60]]);
	const query = dnsQuery(9, 'eu.hashvault.pro');
	h.send(flow, 'client', concatBytes(new Uint8Array([0, query.length]), query));
	h.send(flow, 'server', concatBytes(new Uint8Array([answer.length >> 8, answer.length & 0xff]), answer));
	h.end(flow);
	assert.equal(h.latest()[0]?.peerName, 'eu.hashvault.pro');
});

test('a browser-mining service in DNS or SNI is a pool lookup that says so; the longest listed suffix names it', () => {
	const h = harness();
	lookup(h, 'authedmine.com', [[192, 0, 2, 71]], '10.0.0.7');
	const tls = h.open({client: '10.0.0.8', server: '192.0.2.72', serverPort: 443});
	h.send(tls, 'client', clientHello('ws014.coinhive.com'));
	h.end(tls);
	lookup(h, 'webminer.moneroocean.stream', [[192, 0, 2, 73]], '10.0.0.9');
	const alerts = h.latest().sort((left, right) => left.host.localeCompare(right.host));
	assert.deepEqual(alerts.map((alert) => [alert.detection, alert.host, alert.peer, alert.evidence[0]]), [
		['mining-pool-lookup', '10.0.0.7', '192.0.2.71', 'reputation: DNS lookup of browser-mining service authedmine.com (authedmine.com) → 192.0.2.71'],
		['mining-pool-lookup', '10.0.0.8', '192.0.2.72', 'reputation: TLS server name ws014.coinhive.com is a browser-mining service (coinhive.com)'],
		['mining-pool-lookup', '10.0.0.9', '192.0.2.73', 'reputation: DNS lookup of browser-mining service webminer.moneroocean.stream (webminer.moneroocean.stream) → 192.0.2.73'],
	]);
});

test('names that only contain a browser miner\'s name are not one', () => {
	const h = harness();
	for (const name of ['notcoinhive.com', 'coinhive.com.example.org', 'moneroocean.example', 'webmine.cz.example.net']) lookup(h, name, [[192, 0, 2, 80]]);
	assert.deepEqual(h.alerts, []);
});

test('a lookup held back is raised after a newer alert, and the alert list still puts it below by capture time', () => {
	const h = harness();
	const dns = lookup(h, 'xmr-eu1.nanopool.org', [[51, 15, 58, 224]], '10.0.0.5', false);
	const node = h.open({client: '10.0.0.8', server: '198.51.100.20', serverPort: 8333, startMicros: dns.lastSeenMicros + 3_000_000});
	h.send(node, 'client', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:27.0.0/'})));
	h.send(node, 'server', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:27.0.0/'})));
	h.engine.tick(dns.lastSeenMicros + 10_000_000);
	assert.deepEqual(h.alerts.map((alert) => alert.detection), ['bitcoin-node', 'mining-pool-lookup'], 'raised in this order');
	const ring = new AlertRing();
	ring.addAll(h.alerts.slice(0, 1));
	ring.addAll(h.alerts.slice(1));
	assert.deepEqual(ring.entries.map((entry) => entry.alert.detection), ['bitcoin-node', 'mining-pool-lookup'], 'newest first by capture time');
	assert.ok(h.alerts[1]!.time < h.alerts[0]!.time, 'the lookup keeps the time it was seen');
});
