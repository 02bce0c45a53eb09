import {test} from 'node:test';
import assert from 'node:assert/strict';
import {harness} from './support/engine-harness.js';
import {concatBytes} from './support/bitcoin-builder.js';

function levinHeader(bodyLength: number, command: number, flags: number, haveToReturn = 1): Uint8Array {
	const header = new Uint8Array(33);
	const view = new DataView(header.buffer);
	header.set([0x01, 0x21, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01]);
	view.setUint32(8, bodyLength, true);
	header[16] = haveToReturn;
	view.setUint32(17, command, true);
	view.setInt32(21, 0, true);
	view.setUint32(25, flags, true);
	view.setUint32(29, 1, true);
	return header;
}

/** A portable-storage handshake body: node_data { my_port, network_id, peer_id }. */
function handshakeBody(networkByte: number): Uint8Array {
	const text = (value: string) => Array.from(value, (character) => character.charCodeAt(0));
	return new Uint8Array([
		0x01, 0x11, 0x01, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x08,
		9, ...text('node_data'), 0x0c, 0x0c,
		7, ...text('my_port'), 0x06, 0xa0, 0x46, 0x00, 0x00,
		10, ...text('network_id'), 0x0a, 0x40,
		0x12, 0x30, 0xf1, 0x71, 0x61, 0x04, 0x41, 0x61, 0x17, 0x31, 0x00, 0x82, 0x16, 0xa1, 0xa1, networkByte,
		7, ...text('peer_id'), 0x05, 1, 2, 3, 4, 5, 6, 7, 8,
	]);
}

for (const [networkByte, network] of [[0x10, 'monero-mainnet'], [0x11, 'monero-testnet'], [0x12, 'monero-stagenet']] as const) {
	test(`Levin handshake with network_id names ${network}`, () => {
		const {open, send, latest} = harness();
		const flow = open({client: '192.168.2.100', server: '159.69.36.66', serverPort: 28_080});
		const body = handshakeBody(networkByte);
		send(flow, 'client', concatBytes(levinHeader(body.length, 1001, 1), body));
		send(flow, 'server', concatBytes(levinHeader(body.length, 1001, 2, 0), body));
		const alerts = latest();
		assert.equal(alerts.length, 1);
		assert.equal(alerts[0]?.detection, 'crypto-node');
		assert.equal(alerts[0]?.protocol, 'monero-p2p');
		assert.equal(alerts[0]?.network, network);
		assert.equal(alerts[0]?.host, '192.168.2.100');
		assert.equal(alerts[0]?.certainty, 95);
		assert.equal(flow.family, 'monero-p2p');
		assert.equal(flow.classified, true);
	});
}

test('another CryptoNote network_id is not called Monero', () => {
	const {open, send, end, latest} = harness();
	const flow = open({serverPort: 34_567});
	const body = handshakeBody(0x10);
	body[body.indexOf(0x12, 20)] = 0x99;
	send(flow, 'client', concatBytes(levinHeader(body.length, 1001, 1), body));
	end(flow);
	assert.equal(latest()[0]?.network, 'cryptonote-other');
});

test('the Levin signature alone, with an unsound header, is not a node', () => {
	const {open, send, alerts} = harness();
	const badVersion = levinHeader(10, 1001, 1);
	new DataView(badVersion.buffer).setUint32(29, 7, true);
	send(open(), 'client', badVersion);
	send(open(), 'client', levinHeader(10, 4242, 1));
	send(open(), 'client', levinHeader(10, 1001, 0));
	assert.deepEqual(alerts, []);
});
