import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Duplex} from 'node:stream';
import tls from 'node:tls';
import {xmrigScript} from '../../fixtures/builder/conversations/mining.js';
import {bitcoinStratumTlsExchange, chatExchange, heartbeatExchange, pushServiceExchange, stratumTlsExchange, telemetryExchange, tlsSession, vpnExchange, type TimedMessage} from '../../fixtures/builder/conversations/tls-long-lived.js';
import type {Exchange} from '../../fixtures/builder/conversations/exchange.js';
import {clientHello, type ClientHelloOptions} from '../../fixtures/builder/protocols/tls.js';
import {moneroAddress} from '../../fixtures/builder/protocols/xmrig.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';
import type {Side} from '../../source/flows/flow-view.js';
import {harness, type Harness} from './support/engine-harness.js';
import {playExchange} from './support/exchange-player.js';

const tenMinutes = 600_000_000;

function alertsOf(exchange: Exchange, serverPort: number, prepare?: (h: Harness) => void): ReturnType<Harness['latest']> {
	const h = harness();
	prepare?.(h);
	const flow = h.open({client: '10.0.0.5', server: '203.0.113.9', serverPort});
	playExchange(h, flow, exchange);
	h.end(flow);
	return h.latest();
}

test('XMRig over TLS without SNI or ALPN is mining by its rhythm, at moderate certainty', () => {
	for (let seed = 1; seed <= 20; seed++) {
		const alerts = alertsOf(stratumTlsExchange(new SeededRandom(seed), tenMinutes), 443);
		assert.equal(alerts.length, 1, `seed ${seed}`);
		const alert = alerts[0]!;
		assert.deepEqual([alert.detection, alert.host, alert.peer, alert.protocol, alert.certainty, alert.severity], ['mining', '10.0.0.5', '203.0.113.9', 'tls', 40, 'medium']);
		assert.equal(alert.evidence[0], 'shape: TLS ClientHello without a server name or ALPN (stratum+ssl miners, unlike browsers and apps)');
		assert.match(alert.evidence[1]!, /^shape: 3 unanswered pushes from the server of \d+-\d+ bytes, \d+-\d+ s apart \(new jobs\)$/);
		assert.match(alert.evidence[2]!, /^shape: \d+ of the client's \d+ requests answered at once by \d+-\d+-byte replies/);
		assert.equal(alert.evidence.length, 3, 'no port line on 443');
	}
});

test('a Bitcoin miner\'s Stratum v1 over nameless TLS (notify every 25-35 s, submits and acks) is mining too', () => {
	for (let seed = 1; seed <= 20; seed++) {
		const alerts = alertsOf(bitcoinStratumTlsExchange(new SeededRandom(seed), tenMinutes), 443);
		assert.equal(alerts[0]?.detection, 'mining', `seed ${seed}`);
	}
});

/**
 * Long-lived sessions of any other application: messages picked from a few sizes, sent by either
 * side at random moments, each answered or not at a rate drawn per session.
 */
function otherApplication(random: SeededRandom): Exchange {
	const sizes = Array.from({length: random.integer(1, 6)}, () => random.integer(1, 1500));
	const serverAnswered = random.next();
	const clientAnswered = random.next();
	const messages: TimedMessage[] = [{side: 'client', at: 0, message: random.integer(50, 600)}, {side: 'server', at: 60_000, message: random.integer(50, 2000)}];
	for (let at = 1_000_000; at < tenMinutes; at += random.integer(1_000_000, 120_000_000)) {
		const side = random.next() < 0.5 ? 'client' : 'server';
		messages.push({side, at, message: random.pick(sizes)});
		if (random.next() < (side === 'server' ? serverAnswered : clientAnswered)) messages.push({side: side === 'client' ? 'server' : 'client', at: at + random.integer(20_000, 900_000), message: random.pick(sizes)});
	}
	return tlsSession(random, messages.sort((left, right) => left.at - right.at));
}

test('other long-lived applications over nameless TLS, in a thousand seeded variations, raise nothing', () => {
	const noisy: number[] = [];
	for (let seed = 1; seed <= 1000; seed++) if (alertsOf(otherApplication(new SeededRandom(seed)), 443).length > 0) noisy.push(seed);
	assert.deepEqual(noisy, []);
});

test('a pool\'s stratum+ssl port adds a port line and a little certainty, never the alert', () => {
	const [alert] = alertsOf(stratumTlsExchange(new SeededRandom(3), tenMinutes), 14_433);
	assert.equal(alert?.certainty, 45);
	assert.equal(alert?.evidence.at(-1), 'port: 14433 is a stratum+ssl port (Nanopool)');
	for (const make of [pushServiceExchange, heartbeatExchange, chatExchange, telemetryExchange, vpnExchange]) {
		assert.deepEqual(alertsOf(make(new SeededRandom(3), tenMinutes), 14_433), [], make.name);
	}
});

test('long-lived keepalive TLS stays silent: push, heartbeats, chat, IoT telemetry, VPN, on pool-ish ports too', () => {
	const noisy: string[] = [];
	for (const make of [pushServiceExchange, heartbeatExchange, chatExchange, telemetryExchange, vpnExchange]) {
		for (const port of [443, 3333, 9000, 14_433, 20_128]) {
			for (let seed = 1; seed <= 12; seed++) {
				const alerts = alertsOf(make(new SeededRandom(seed * 7919 + port), 2 * tenMinutes), port);
				if (alerts.length > 0) noisy.push(`${make.name} :${port} seed ${seed}: ${alerts[0]!.evidence.join('; ')}`);
			}
		}
	}
	assert.deepEqual(noisy, []);
});

test('fewer than three job pushes is not enough, however many shares', () => {
	assert.deepEqual(alertsOf(stratumTlsExchange(new SeededRandom(5), 100_000_000, 3), 14_433), []);
});

test('a pool address the host resolved: the ClientHello raises the alert and the shape raises its certainty, one alert', () => {
	const alerts = alertsOf(stratumTlsExchange(new SeededRandom(8), tenMinutes), 443, (h) => {
		const dns = h.open({transport: 'udp', client: '10.0.0.5', server: '10.0.0.1', clientPort: 53_001, serverPort: 53});
		const name = [3, ...Buffer.from('xmr'), 8, ...Buffer.from('nanopool'), 3, ...Buffer.from('org'), 0];
		h.datagram(dns, 'client', Uint8Array.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 1, 0, 1]));
		h.datagram(dns, 'server', Uint8Array.from([0, 7, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...name, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 203, 0, 113, 9]));
	});
	assert.equal(alerts.length, 1, JSON.stringify(alerts.map((alert) => [alert.detection, alert.evidence])));
	const alert = alerts[0]!;
	assert.equal(alert.detection, 'mining');
	assert.equal(alert.certainty, 70);
	assert.equal(alert.peerName, 'xmr.nanopool.org');
	assert.ok(alert.evidence.some((line) => line.startsWith('shape: 3 unanswered pushes')), alert.evidence.join('; '));
	assert.ok(alert.evidence.includes('reputation: 203.0.113.9 is mining pool xmr.nanopool.org'), alert.evidence.join('; '));
});

test('a ClientHello with ALPN or a server name settles the flow at once; one naming nothing or a pool without ALPN is watched', () => {
	const h = harness();
	const cases: [ClientHelloOptions, boolean][] = [[{serverName: 'www.example.org'}, false], [{alpn: ['h2']}, false], [{serverName: 'pool.supportxmr.com', alpn: ['h2']}, false], [{}, true], [{serverName: 'pool.supportxmr.com'}, true]];
	for (const [options, watched] of cases) {
		const flow = h.open({serverPort: 443});
		h.send(flow, 'client', clientHello(new SeededRandom(9), options));
		assert.equal(flow.classified, !watched, JSON.stringify(options));
	}
});

test('XMRig with "sni": true: the pool name is a lookup at once, and the shape later shows the mining', () => {
	const random = new SeededRandom(12);
	const exchange = stratumTlsExchange(random, tenMinutes);
	const named = clientHello(new SeededRandom(13), {serverName: 'gulf.moneroocean.stream'});
	const alerts = alertsOf([{...exchange[0]!, segments: [named]}, ...exchange.slice(1)], 20_128);
	assert.deepEqual(alerts.map((alert) => [alert.detection, alert.protocol]).sort(), [['mining', 'tls'], ['mining-pool-lookup', 'tls']]);
	const mining = alerts.find((alert) => alert.detection === 'mining')!;
	assert.equal(mining.certainty, 75);
	assert.equal(mining.peerName, 'gulf.moneroocean.stream');
	assert.ok(!mining.evidence.some((line) => line.includes('without a server name')), mining.evidence.join('; '));
	assert.ok(mining.evidence.includes('reputation: 203.0.113.9 is mining pool gulf.moneroocean.stream'), mining.evidence.join('; '));
});

interface Chunk {
	side: Side;
	bytes: Buffer;
	atMicros: number;
}

let certificate: {key: Buffer; cert: Buffer} | undefined;
function selfSigned(): {key: Buffer; cert: Buffer} {
	if (certificate) return certificate;
	const directory = mkdtempSync(path.join(tmpdir(), 'minewatch-tls-'));
	try {
		execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(directory, 'key.pem'), '-out', path.join(directory, 'cert.pem'), '-subj', '/CN=pool.invalid', '-days', '2'], {stdio: 'ignore'});
		certificate = {key: readFileSync(path.join(directory, 'key.pem')), cert: readFileSync(path.join(directory, 'cert.pem'))};
		return certificate;
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
}

function hasOpenssl(): boolean {
	try {
		execFileSync('openssl', ['version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

/**
 * Plays XMRig's conversation through real OpenSSL TLS (node:tls, client without SNI or ALPN, as
 * XMRig's own OpenSSL client opens it) over an in-memory pipe, and returns every chunk of bytes
 * each side wrote, stamped with the scripted time it was written at.
 */
async function realTlsSession(maxVersion: tls.SecureVersion, seed: number): Promise<Chunk[]> {
	const random = new SeededRandom(seed);
	const script = xmrigScript({login: moneroAddress(random), durationMicros: tenMinutes}, random);
	const chunks: Chunk[] = [];
	let now = 0;
	let tick = 0;
	const pipes: Record<Side, Duplex> = {} as Record<Side, Duplex>;
	const pipe = (side: Side, to: Side): Duplex => new Duplex({
		read() {},
		write(chunk: Buffer, _encoding, done) {
			chunks.push({side, bytes: Buffer.from(chunk), atMicros: now + 20 * tick++});
			pipes[to].push(chunk);
			done();
		},
	});
	pipes.client = pipe('client', 'server');
	pipes.server = pipe('server', 'client');
	const {key, cert} = selfSigned();
	const server = new tls.TLSSocket(pipes.server, {isServer: true, key, cert, maxVersion});
	const client = tls.connect({socket: pipes.client, servername: '', rejectUnauthorized: false, maxVersion});
	const received: Record<Side, number> = {client: 0, server: 0};
	client.on('data', (data: Buffer) => (received.client += data.length));
	server.on('data', (data: Buffer) => (received.server += data.length));
	await new Promise((resolve) => client.once('secureConnect', resolve));
	const expected: Record<Side, number> = {client: 0, server: 0};
	for (const message of script) {
		now = message.at;
		tick = 0;
		const receiver: Side = message.side === 'client' ? 'server' : 'client';
		expected[receiver] += Buffer.byteLength(message.text);
		(message.side === 'client' ? client : server).write(message.text);
		while (received[receiver] < expected[receiver]) await new Promise((resolve) => setImmediate(resolve));
	}
	client.destroy();
	server.destroy();
	return chunks;
}

for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
	test(`XMRig's conversation through real OpenSSL ${maxVersion} records is mining by its shape`, {skip: hasOpenssl() ? false : 'needs the openssl command for a test certificate'}, async () => {
		const chunks = await realTlsSession(maxVersion, 11);
		const h = harness();
		const flow = h.open({client: '10.0.0.5', server: '203.0.113.9', serverPort: 443});
		let previous = 0;
		for (const chunk of chunks) {
			h.send(flow, chunk.side, chunk.bytes, chunk.atMicros - previous);
			previous = chunk.atMicros;
		}
		h.end(flow);
		const alerts = h.latest();
		assert.equal(alerts.length, 1);
		assert.equal(alerts[0]!.detection, 'mining');
		assert.equal(alerts[0]!.certainty, 40);
		assert.match(alerts[0]!.evidence[1]!, /^shape: 3 unanswered pushes/);
	});
}
