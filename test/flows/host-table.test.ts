import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {HostView} from '../../source/model/messages.js';
import {CidrSet, defaultHomeNet} from '../../source/flows/cidr-set.js';
import {HostTable, type HostDecoration} from '../../source/flows/host-table.js';
import {decodeFrame, secondMicros, startMicros, udpFrame} from './flow-support.js';

const plain: HostDecoration = {roles: [], protocols: []};

function view(overrides: Partial<HostView> = {}): HostView {
	return {sort: 'traffic', reverse: false, filter: '', offset: 0, limit: 10, ...overrides};
}

function setup(hostCap?: number) {
	const hosts = new HostTable({homeNet: CidrSet.parse(defaultHomeNet), hostCap});
	const send = (from: string, to: string, payload: string, atMicros = startMicros) => {
		const frame = udpFrame({address: from, port: 40000}, {address: to, port: 3333}, payload);
		hosts.packet(decodeFrame(frame), frame.length, atMicros);
		return frame.length;
	};
	return {hosts, send};
}

test('counts packets and bytes in and out per host, with internal/external from the home network', () => {
	const {hosts, send} = setup();
	const out = send('192.168.2.148', '94.23.199.191', 'request');
	const back = send('94.23.199.191', '192.168.2.148', 'a longer reply');
	const miner = hosts.row('192.168.2.148', () => plain)!;
	assert.equal(miner.internal, true);
	assert.equal(miner.packets, 2);
	assert.equal(miner.bytesOut, out);
	assert.equal(miner.bytesIn, back);
	assert.equal(miner.firstSeen, startMicros / 1000);
	const pool = hosts.row('94.23.199.191', () => plain)!;
	assert.equal(pool.internal, false);
	assert.equal(pool.bytesIn, out);
	assert.equal(hosts.size, 2);
	assert.equal(hosts.row('10.9.9.9', () => plain), undefined);
});

test('a packet a host sends to itself counts once', () => {
	const {hosts, send} = setup();
	const length = send('127.0.0.1', '127.0.0.1', 'loop');
	const row = hosts.row('127.0.0.1', () => plain)!;
	assert.equal(row.packets, 1);
	assert.equal(row.bytesIn, length);
	assert.equal(row.bytesOut, length);
});

test('packet rate is the last complete second of capture time', () => {
	const {hosts, send} = setup();
	for (let index = 0; index < 5; index++) send('10.0.0.1', '10.0.0.2', 'x', startMicros + index * 1000);
	send('10.0.0.1', '10.0.0.2', 'x', startMicros + secondMicros + 10);
	const row = hosts.row('10.0.0.1', () => plain)!;
	assert.equal(row.packetsPerSecond, 5);
	assert.ok(row.bitsPerSecond > 0);
	send('10.0.0.3', '10.0.0.4', 'x', startMicros + 5 * secondMicros);
	assert.equal(hosts.row('10.0.0.1', () => plain)!.packetsPerSecond, 0);
});

test('sorts by traffic, address, peers and last seen, reversed on request, windowed by offset and limit', () => {
	const {hosts, send} = setup();
	send('10.0.0.10', '10.0.0.9', 'a'.repeat(100), startMicros);
	send('10.0.0.9', '10.0.0.2', 'a'.repeat(10), startMicros + 1);
	send('10.0.0.9', '10.0.0.3', 'a', startMicros + 2);
	const addresses = (hostView: HostView) => hosts.rows(hostView, () => plain).rows.map((row) => row.address);
	assert.deepEqual(addresses(view({sort: 'traffic'})), ['10.0.0.9', '10.0.0.10', '10.0.0.2', '10.0.0.3']);
	assert.deepEqual(addresses(view({sort: 'address'})), ['10.0.0.2', '10.0.0.3', '10.0.0.9', '10.0.0.10']);
	assert.deepEqual(addresses(view({sort: 'address', reverse: true})), ['10.0.0.10', '10.0.0.9', '10.0.0.3', '10.0.0.2']);
	assert.deepEqual(addresses(view({sort: 'lastSeen'})), ['10.0.0.3', '10.0.0.9', '10.0.0.2', '10.0.0.10']);
	assert.deepEqual(addresses(view({sort: 'address', offset: 1, limit: 2})), ['10.0.0.3', '10.0.0.9']);
	assert.equal(hosts.rows(view({offset: 1, limit: 2}), () => plain).matched, 4);
});

test('severity order and the filter use the decoration; the filter matches address, name, protocols and roles', () => {
	const {hosts, send} = setup();
	send('192.168.2.148', '94.23.199.191', 'x'.repeat(10));
	send('192.168.1.142', '74.89.181.229', 'x'.repeat(500));
	send('10.0.2.15', '8.8.8.8', 'x');
	const decorations: Record<string, HostDecoration> = {
		'192.168.2.148': {roles: ['miner'], severity: 'high', protocols: ['stratum']},
		'94.23.199.191': {roles: ['pool'], severity: 'high', protocols: ['stratum'], name: 'Pool.Example.NET'},
		'192.168.1.142': {roles: ['node'], severity: 'medium', protocols: ['bitcoin-p2p']},
	};
	const decorate = (address: string) => decorations[address] ?? plain;
	const rows = hosts.rows(view({sort: 'severity'}), decorate).rows;
	// Equal severity and traffic: the lower address first.
	assert.deepEqual(rows.slice(0, 3).map((row) => row.address), ['94.23.199.191', '192.168.2.148', '192.168.1.142']);
	assert.equal(rows[1]!.severity, 'high');
	assert.deepEqual(rows[1]!.roles, ['miner']);
	assert.equal(rows[0]!.name, 'Pool.Example.NET');
	assert.equal(rows[5]!.severity, undefined);
	const filtered = (filter: string) => hosts.rows(view({filter}), decorate).rows.map((row) => row.address);
	assert.deepEqual(filtered('example.net'), ['94.23.199.191']);
	assert.deepEqual(filtered('MINER'), ['192.168.2.148']);
	assert.deepEqual(filtered('bitcoin'), ['192.168.1.142']);
	assert.deepEqual(filtered('8.8.'), ['8.8.8.8']);
	assert.equal(hosts.rows(view({filter: 'stratum', limit: 1}), decorate).matched, 2);
});

test('large tables: the top window equals the head of a full sort', () => {
	const {hosts, send} = setup();
	for (let index = 0; index < 2000; index++) send(`10.${index >> 8}.${index & 0xff}.1`, '192.0.2.1', 'x'.repeat((index * 7919) % 500));
	const full = hosts.rows(view({limit: 3000}), () => plain).rows.map((row) => row.address);
	const window = hosts.rows(view({offset: 20, limit: 25}), () => plain).rows.map((row) => row.address);
	assert.deepEqual(window, full.slice(20, 45));
	const reversed = hosts.rows(view({reverse: true, limit: 10}), () => plain).rows.map((row) => row.address);
	assert.deepEqual(reversed, full.slice(-10).reverse());
});

test('the host cap evicts the least recently seen host and counts it', () => {
	const {hosts, send} = setup(3);
	send('10.0.0.1', '10.0.0.2', 'x');
	send('10.0.0.1', '10.0.0.3', 'x');
	send('10.0.0.1', '10.0.0.4', 'x');
	assert.equal(hosts.size, 3);
	assert.equal(hosts.evicted, 1);
	assert.equal(hosts.find('10.0.0.2'), undefined);
	assert.ok(hosts.find('10.0.0.1'));
});

test('IPv6 hosts are keyed and shown in text form', () => {
	const {hosts} = setup();
	const frame = Uint8Array.from(Buffer.from(
		'001b213a4f0152540012345686dd6000000000101140fe80000000000000000000000000000120010db8000000000000000000000099' +
		'9c4000350010000071756572797175',
		'hex',
	));
	hosts.packet(decodeFrame(frame.subarray(0, 54 + 16)), 70, startMicros);
	assert.ok(hosts.find('fe80::1'));
	assert.equal(hosts.row('2001:db8::99', () => plain)!.internal, false);
	assert.equal(hosts.row('fe80::1', () => plain)!.internal, true);
});
