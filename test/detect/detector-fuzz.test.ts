// Fuzzing every registered detector through the production pipeline with sessions built to hurt
// them: JSON that nests thousands deep or never ends, lines without newlines, Stratum calls with
// hostile strings, Bitcoin headers with known magics and huge or lying lengths, Levin headers with
// 64-bit body lengths, HTTP with absurd Content-Length, TLS hellos and DNS messages (compression
// loops included) with lying lengths, random bytes shaped like encrypted handshakes; each possibly
// mutated, cut into random segments, reordered, over TCP or UDP, IPv4 or IPv6, several flows per
// input so names and sightings carry across. The detectors come from the registry, so one added
// later is fuzzed too, and the last test fails if the inputs never reached one of them.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import fc from 'fast-check';
import {bitcoinMessage, networkMagics, versionPayload, type BitcoinNetwork} from '../../fixtures/builder/protocols/bitcoin-p2p.js';
import {dnsQuery, dnsResponse} from '../../fixtures/builder/protocols/dns.js';
import {httpRequest, httpResponse} from '../../fixtures/builder/protocols/http.js';
import {frame, upgradeRequest} from '../../fixtures/builder/protocols/websocket.js';
import {handshakeRequest, handshakeResponse, levinMessage, moneroNetworkIds} from '../../fixtures/builder/protocols/monero-levin.js';
import {clientHello} from '../../fixtures/builder/protocols/tls.js';
import {SeededRandom} from '../../fixtures/builder/seeded-random.js';
import type {PacketRecord} from '../../source/decode/packet-record.js';
import {detectors} from '../../source/detect/registry.js';
import {applyMutations, mutation} from '../support/byte-mutations.js';
import {checkProperty} from '../support/fuzz.js';
import {alertsRaised, detectorInspections, runPipeline, settledReadings} from '../support/fuzz-pipeline.js';
import {ethernet, flags, ipv4, ipv6, record, tcp, udp} from '../support/packet-bytes.js';
import {addrPayload, addrv2Payload, concatBytes, type RelayedEntry} from './support/bitcoin-builder.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Strings an attacker would put in an agent, worker or name: controls, bidi, invalid UTF-16, long. */
const hostileString = fc.oneof(
	fc.string({unit: 'binary', maxLength: 300}),
	fc.constantFrom('\u001b]0;pwned\u0007', '\u202egnp.exe', '\ud800', 'XMRig/6.21.0\r\n\u009b2J', 'a'.repeat(5000)),
);

const stratumMethods = ['mining.subscribe', 'mining.authorize', 'mining.configure', 'mining.submit', 'mining.notify', 'mining.set_difficulty', 'mining.hello', 'login', 'submit', 'job', 'keepalived', 'getjob', 'eth_submitLogin', 'eth_getWork', 'eth_submitWork', 'getwork', 'getblocktemplate', 'print'];

const jsonValue = fc.jsonValue({maxDepth: 4});

/** One Stratum-like line (or not quite: any key, any params), ending in \n, \r\n or nothing. */
const stratumLine = fc
	.record({
		id: fc.oneof(fc.nat(), fc.constant(null), hostileString),
		method: fc.oneof(fc.constantFrom(...stratumMethods), hostileString),
		params: fc.oneof(fc.array(fc.oneof(hostileString, jsonValue), {maxLength: 4}), fc.record({login: hostileString, pass: hostileString, agent: hostileString, algo: fc.array(hostileString, {maxLength: 3})}), jsonValue),
		result: fc.option(fc.oneof(fc.boolean(), fc.array(fc.oneof(hostileString, jsonValue), {maxLength: 3}), jsonValue), {nil: undefined}),
		ending: fc.constantFrom('\n', '\r\n', '', '\n\n'),
	})
	.map(({ending, ...message}) => text(JSON.stringify(message) + ending));

/** `[[[[...]]]]` or `{"a":{"a":...}}` thousands deep, inside a mining call, whole or unclosed. */
const deepJson = fc.record({depth: fc.integer({min: 1, max: 6000}), objects: fc.boolean(), closed: fc.boolean(), method: fc.constantFrom(...stratumMethods)}).map(({depth, objects, closed, method}) => {
	const open = objects ? '{"a":'.repeat(depth) : '['.repeat(depth);
	const close = closed ? (objects ? '1' + '}'.repeat(depth) : ']'.repeat(depth)) : '';
	return text(`{"id":1,"method":"${method}","params":${open}${close}}\n`);
});

/** A line that opens like a mining call and never ends. */
const endlessLine = fc.record({method: fc.constantFrom(...stratumMethods), length: fc.integer({min: 1, max: 20_000}), filler: fc.constantFrom('a', ' ', '[', '{', '"', '\\')}).map(({method, length, filler}) =>
	text(`{"id":1,"method":"${method}","params":["${filler.repeat(length)}`),
);

const bitcoinNetworks = Object.keys(networkMagics) as BitcoinNetwork[];

/** A relayed address as BIP155 allows and beyond: any network id, length and services. */
const relayedEntry: fc.Arbitrary<RelayedEntry> = fc.record({
	address: fc.oneof(fc.constantFrom('198.51.100.7', '203.0.113.8'), fc.uint8Array({maxLength: 40})),
	port: fc.oneof(fc.constantFrom(0, 8333, 40_123), fc.integer({min: 0, max: 0xffff})),
	services: fc.oneof(fc.constantFrom(0x809n, 0x800n, 0n), fc.bigInt({min: 0n, max: 2n ** 64n - 1n})),
	networkId: fc.option(fc.constantFrom(1, 2, 3, 4, 5, 6, 255), {nil: undefined}),
});

/** Four messages settle the flow; an addr or addrv2 (entries or any payload, checksummed) is read on behind them. */
const relayAfterHandshake = fc.record({network: fc.constantFrom(...bitcoinNetworks), v2: fc.boolean(), entries: fc.array(relayedEntry, {maxLength: 12}), raw: fc.option(fc.uint8Array({maxLength: 600}), {nil: undefined})}).map(({network, v2, entries, raw}) => {
	const command = v2 ? 'addrv2' : 'addr';
	const payload = raw ?? (v2 ? addrv2Payload(entries) : addrPayload(entries.filter((entry) => typeof entry.address === 'string' || entry.address.length === 16)));
	const handshake = ['verack', 'sendaddrv2', 'wtxidrelay'].map((extra) => bitcoinMessage(network, extra));
	return concatBytes(bitcoinMessage(network, 'version', versionPayload({services: 0x809n, timestamp: 1_714_000_000, receiverAddress: '203.0.113.7', receiverPort: 8333, nonce: 1n, userAgent: '/Satoshi:28.1.0/', startHeight: 840_000})), ...handshake, bitcoinMessage(network, command, payload));
});

const bitcoin = fc.oneof(
	relayAfterHandshake,
	// A real version message with a hostile user agent, checksum right or wrong.
	fc.record({network: fc.constantFrom(...bitcoinNetworks), agent: fc.oneof(hostileString.map(text), fc.uint8Array({maxLength: 300})), badChecksum: fc.boolean(), services: fc.bigInt({min: 0n, max: 2n ** 64n - 1n})}).map(({network, agent, badChecksum, services}) =>
		new Uint8Array(bitcoinMessage(network, 'version', versionPayload({services, timestamp: 1_714_000_000, receiverAddress: '203.0.113.7', receiverPort: 8333, nonce: 1n, userAgent: agent, startHeight: 840_000}), {badChecksum})),
	),
	// A header with a known magic whose length is zero, huge or a lie, and whatever follows.
	fc.record({network: fc.constantFrom(...bitcoinNetworks), command: fc.oneof(fc.constantFrom('version', 'verack', 'inv', 'block'), hostileString), length: fc.oneof(fc.constantFrom(0, 1, 0x02000000, 0x02000001, 0x7fffffff, 0xffffffff), fc.nat()), rest: fc.uint8Array({maxLength: 600})}).map(({network, command, length, rest}) => {
		const header = new Uint8Array(bitcoinMessage(network, 'version'));
		header.fill(0, 4, 16);
		header.set(text(command).subarray(0, 12), 4);
		new DataView(header.buffer, header.byteOffset).setUint32(16, length, true);
		return concatBytes(header, rest);
	}),
);

const levin = fc.oneof(
	fc.record({network: fc.constantFrom(...Object.values(moneroNetworkIds), '00'.repeat(16)), peerId: fc.bigInt({min: 0n, max: 2n ** 64n - 1n}), height: fc.nat(), response: fc.boolean()}).map(({network, peerId, height, response}) =>
		new Uint8Array((response ? handshakeResponse : handshakeRequest)({networkId: network, peerId, myPort: 18080, height, topId: new Uint8Array(32)})),
	),
	fc.record({command: fc.constantFrom(1001, 1002, 1003, 1007, 2001, 0, 0xffffffff), expectsResponse: fc.boolean(), flags: fc.constantFrom(0, 1, 2, 3, 0xffffffff), length: fc.bigInt({min: 0n, max: 2n ** 64n - 1n}), body: fc.uint8Array({maxLength: 600})}).map(({command, expectsResponse, flags: levinFlags, length, body}) => {
		const message = new Uint8Array(levinMessage({command, expectsResponse, flags: levinFlags}, body));
		new DataView(message.buffer, message.byteOffset).setBigUint64(8, length, true);
		return message;
	}),
);

const http = fc.oneof(
	fc.record({length: fc.oneof(fc.constantFrom('0', '-1', '99999999999999999999', '1e3', ' 12', ''), fc.nat().map(String)), agent: hostileString, extensions: hostileString, body: fc.oneof(stratumLine, deepJson, fc.uint8Array({maxLength: 200}))}).map(({length, agent, extensions, body}) =>
		new Uint8Array(httpRequest('POST', '/', [['Content-Length', length], ['User-Agent', agent], ['X-Mining-Extensions', extensions]], body)),
	),
	fc.record({stratum: hostileString, polling: hostileString, body: fc.uint8Array({maxLength: 200})}).map(({stratum, polling, body}) =>
		new Uint8Array(httpResponse(200, 'OK', [['X-Stratum', stratum], ['X-Long-Polling', polling], ['Content-Length', String(body.length)]], body)),
	),
	// Headers that never end.
	fc.record({header: hostileString, repeat: fc.integer({min: 1, max: 400})}).map(({header, repeat}) => text(`POST / HTTP/1.1\r\n${`X-Mining-Extensions: ${header}\r\n`.repeat(repeat)}`)),
	// A WebSocket upgrade with a hostile Host and path, then client frames of hostile, deep or random
	// messages, masked or not, with random opcodes and lengths.
	fc.record({seed: fc.nat(), host: hostileString, target: hostileString, frames: fc.array(fc.record({opcode: fc.integer({min: 0, max: 15}), body: fc.oneof(stratumLine, deepJson, fc.uint8Array({maxLength: 300})), masked: fc.boolean()}), {maxLength: 4})}).map(({seed, host, target, frames}) => {
		const random = new SeededRandom(seed);
		const {request} = upgradeRequest(random, host, `/${target}`, 'https://example.org');
		return concatBytes(request, ...frames.map(({opcode, body, masked}) => frame(opcode, body, masked ? {maskWith: random} : {})));
	}),
);

const tls = fc.record({seed: fc.nat(), name: fc.option(fc.oneof(hostileString, fc.constantFrom('pool.supportxmr.com', 'xmr.pool.minergate.com', 'gulf.moneroocean.stream')), {nil: undefined})}).map(({seed, name}) => new Uint8Array(clientHello(new SeededRandom(seed), {serverName: name})));

const dnsName = fc.oneof(
	fc.constantFrom('pool.supportxmr.com', 'xmr-eu1.nanopool.org', 'seed.bitcoin.sipa.be', 'x9.seed.bitcoin.sipa.be', 'pool.ntp.org'),
	fc.array(fc.uint8Array({minLength: 1, maxLength: 63}), {minLength: 1, maxLength: 6}),
);
const dns = fc.oneof(
	fc.record({id: fc.integer({min: 0, max: 0xffff}), name: dnsName}).map(({id, name}) => new Uint8Array(dnsQuery(id, name))),
	fc.record({id: fc.integer({min: 0, max: 0xffff}), name: dnsName, addresses: fc.array(fc.constantFrom('203.0.113.9', '198.51.100.7', '2001:db8::9'), {minLength: 1, maxLength: 40})}).map(({id, name, addresses}) => new Uint8Array(dnsResponse(id, name, {addresses: addresses.filter((address) => address.includes(':') === addresses[0]!.includes(':'))}))),
	// Compression pointers that point at themselves, forward, or past the end.
	fc.record({pointer: fc.integer({min: 0, max: 0x3fff}), answers: fc.integer({min: 0, max: 0xffff})}).map(({pointer, answers}) => {
		const message = new Uint8Array(dnsQuery(7, 'a.example'));
		message[0x02] = 0x81;
		message[0x06] = answers >>> 8;
		message[0x07] = answers & 0xff;
		return concatBytes(message, Uint8Array.from([0xc0 | (pointer >>> 8), pointer & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 9]), Uint8Array.from([0xc0 | (message.length >>> 8), message.length & 0xff]));
	}),
);

/** Bytes that look encrypted from the first one (BIP324, obfs4, Stratum V2's Noise): sizes matter. */
const randomFlight = fc.oneof(fc.uint8Array({maxLength: 4200}), fc.constantFrom(64, 234, 100, 155, 1611, 4159, 29, 30, 33).chain((length) => fc.uint8Array({minLength: length, maxLength: length})));

const payload = fc
	.tuple(fc.oneof(stratumLine, deepJson, endlessLine, bitcoin, levin, http, tls, dns, randomFlight, hostileString.map(text)), fc.array(mutation, {maxLength: 3}), fc.boolean())
	.map(([bytes, mutations, mutate]) => (mutate ? applyMutations(bytes, mutations) : bytes));

const session = fc.record({
	udp: fc.boolean(),
	ipv6: fc.boolean(),
	client: fc.constantFrom(1, 2, 3),
	server: fc.constantFrom(7, 8, 9),
	clientPort: fc.integer({min: 1, max: 0xffff}),
	serverPort: fc.oneof(fc.constantFrom(53, 80, 443, 3333, 4444, 8333, 18333, 18080, 3336, 34255, 9999), fc.integer({min: 1, max: 0xffff})),
	handshake: fc.boolean(),
	turns: fc.array(fc.record({fromClient: fc.boolean(), payload, pauseMicros: fc.oneof(fc.integer({min: 0, max: 100}), fc.integer({min: 0, max: 200_000}), fc.constantFrom(3_000_000, 11_000_000))}), {minLength: 1, maxLength: 6}),
	segmentSizes: fc.array(fc.integer({min: 1, max: 1460}), {minLength: 1, maxLength: 5}),
	swaps: fc.array(fc.nat(), {maxLength: 3}),
	close: fc.constantFrom('fin', 'rst', 'none'),
});

type Session = typeof session extends fc.Arbitrary<infer Value> ? Value : never;

const startMicros = 1_714_000_000_000_000;

/** The session's packets, Ethernet framed, with times from `clock` onwards. */
function packetsOf(parts: Session, clock: {micros: number}): PacketRecord[] {
	const client = parts.ipv6 ? `2001:db8::${parts.client}` : `192.168.1.${parts.client}`;
	const server = parts.ipv6 ? `2001:db8:1::${parts.server}` : `203.0.113.${parts.server}`;
	const sequence = {client: 1000, server: 900_000};
	const frames: {fromClient: boolean; bytes: Uint8Array}[] = [];
	const frame = (fromClient: boolean, transport: Uint8Array): void => {
		const [source, destination] = fromClient ? [client, server] : [server, client];
		const protocol = parts.udp ? 17 : 6;
		const packet = parts.ipv6 ? ipv6({source, destination, nextHeader: protocol, payload: transport}) : ipv4({source, destination, protocol, payload: transport});
		frames.push({fromClient, bytes: ethernet(parts.ipv6 ? 0x86dd : 0x0800, packet)});
	};
	const segment = (fromClient: boolean, segmentFlags: number, data = new Uint8Array(0)): void => {
		const [sourcePort, destinationPort] = fromClient ? [parts.clientPort, parts.serverPort] : [parts.serverPort, parts.clientPort];
		const side = fromClient ? 'client' : 'server';
		frame(fromClient, tcp({sourcePort, destinationPort, sequence: sequence[side], acknowledgment: sequence[fromClient ? 'server' : 'client'], flags: segmentFlags, payload: data}));
		sequence[side] = (sequence[side] + data.length + ((segmentFlags & (flags.syn | flags.fin)) === 0 ? 0 : 1)) >>> 0;
	};
	if (!parts.udp && parts.handshake) {
		segment(true, flags.syn);
		segment(false, flags.syn | flags.ack);
		segment(true, flags.ack);
	}
	let size = 0;
	for (const turn of parts.turns) {
		if (parts.udp) {
			const [sourcePort, destinationPort] = turn.fromClient ? [parts.clientPort, parts.serverPort] : [parts.serverPort, parts.clientPort];
			frame(turn.fromClient, udp(sourcePort, destinationPort, turn.payload.subarray(0, 1472)));
			continue;
		}
		for (let offset = 0; offset < turn.payload.length; size++) {
			const length = parts.segmentSizes[size % parts.segmentSizes.length]!;
			segment(turn.fromClient, flags.ack | flags.psh, turn.payload.slice(offset, offset + length));
			offset += length;
		}
	}
	if (!parts.udp && parts.close !== 'none') {
		const closing = parts.close === 'fin' ? flags.fin | flags.ack : flags.rst;
		segment(true, closing);
		segment(false, closing);
	}
	// Swapped neighbours: out-of-order segments the reassembly must hold or drop.
	for (const swap of parts.swaps) {
		const at = swap % frames.length;
		if (at + 1 < frames.length) [frames[at], frames[at + 1]] = [frames[at + 1]!, frames[at]!];
	}
	let turn = 0;
	return frames.map(({bytes}) => {
		clock.micros += parts.turns[turn++ % parts.turns.length]!.pauseMicros;
		return record(1, bytes, clock.micros);
	});
}

describe('detector fuzz: hostile sessions through the pipeline', () => {
	test('hostile sessions, one to three flows per input', () => {
		checkProperty(
			fc.property(fc.array(session, {minLength: 1, maxLength: 3}), (sessions) => {
				const clock = {micros: startMicros};
				runPipeline(sessions.flatMap((parts) => packetsOf(parts, clock)));
			}),
			1500,
		);
	});

	test('the hostile inputs raised alerts, so their strings were checked', () => {
		assert.ok([...alertsRaised.values()].some((count) => count > 0), `alerts raised: ${JSON.stringify(Object.fromEntries(alertsRaised))}`);
	});

	for (const detector of detectors) {
		test(`the inputs reached ${detector.name}`, () => {
			assert.ok(detectorInspections.get(detector.name)! > 0, `${detector.name} was never asked to inspect a flow: the fuzz misses it`);
		});
	}

	for (const name of settledReadings.keys()) {
		test(`the inputs reached ${name} reading settled flows on`, () => {
			assert.ok(settledReadings.get(name)! > 0, `${name}.readSettled was never called: the fuzz misses it`);
		});
	}
});
