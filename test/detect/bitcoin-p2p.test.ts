import {test} from 'node:test';
import assert from 'node:assert/strict';
import {harness} from './support/engine-harness.js';
import {describeAlert} from '../../source/view/alert-description.js';
import {bitcoinMessage, concatBytes, versionPayload} from './support/bitcoin-builder.js';

const magics: Array<[wire: number, network: string]> = [
	[0xf9beb4d9, 'bitcoin-mainnet'],
	[0x0b110907, 'bitcoin-testnet3'],
	[0x1c163f28, 'bitcoin-testnet4'],
	[0x0a03cf40, 'bitcoin-signet'],
	[0xfabfb5da, 'bitcoin-regtest'],
	[0xf9beb4fe, 'namecoin-mainnet'],
	[0xfbc0b6db, 'litecoin-mainnet'],
	[0xfdd2c8f1, 'litecoin-testnet4'],
	[0xc0c0c0c0, 'dogecoin-mainnet'],
	[0xfcc1b7dc, 'dogecoin-testnet'],
	[0xe3e1f3e8, 'bitcoin-cash-mainnet'],
	[0xf4e5f3f4, 'bitcoin-cash-testnet3'],
	[0xe2b7daaf, 'bitcoin-cash-testnet4'],
	[0xc3afe1a2, 'bitcoin-cash-scalenet'],
	[0xdab5bffa, 'bitcoin-cash-regtest'],
];

for (const [magic, network] of magics) {
	test(`magic ${magic.toString(16).padStart(8, '0')} is labelled ${network}, on a non-standard port`, () => {
		const {open, send, latest} = harness();
		const flow = open({client: '10.0.0.8', server: '198.51.100.20', serverPort: 40_001});
		send(flow, 'client', bitcoinMessage(magic, 'version', versionPayload({userAgent: '/Satoshi:27.0.0/'})));
		send(flow, 'server', concatBytes(bitcoinMessage(magic, 'version', versionPayload({userAgent: '/btcd:0.24.2/'})), bitcoinMessage(magic, 'verack', new Uint8Array(0))));
		const alerts = latest();
		assert.equal(alerts.length, 1);
		const alert = alerts[0]!;
		assert.equal(alert.detection, 'bitcoin-node');
		assert.equal(alert.network, network);
		assert.equal(alert.host, '10.0.0.8');
		assert.equal(alert.peer, '198.51.100.20');
		assert.equal(alert.port, 40_001);
		assert.equal(alert.protocol, 'bitcoin-p2p');
		assert.equal(alert.certainty, 98);
		assert.equal(alert.agent, '/Satoshi:27.0.0/');
		assert.equal(flow.family, 'bitcoin-p2p');
		assert.equal(flow.classified, true);
	});
}

test('a header with a wrong checksum is rejected', () => {
	const {open, send, alerts} = harness();
	const flow = open({serverPort: 8333});
	send(flow, 'client', bitcoinMessage(0xf9beb4d9, 'version', versionPayload(), new Uint8Array([1, 2, 3, 4])));
	send(flow, 'server', bitcoinMessage(0xf9beb4d9, 'ping', new Uint8Array(8), new Uint8Array([0, 0, 0, 0])));
	assert.deepEqual(alerts, []);
	assert.equal(flow.classified, true);
});

test('an unknown command or an oversized length is rejected even with the right magic', () => {
	const {open, send, alerts} = harness();
	const unknown = open({serverPort: 8333});
	send(unknown, 'client', bitcoinMessage(0xf9beb4d9, 'hello', new Uint8Array(4)));
	const oversized = open({serverPort: 8333});
	const header = bitcoinMessage(0xf9beb4d9, 'block', new Uint8Array(0));
	new DataView(header.buffer).setUint32(16, 4_000_001, true);
	send(oversized, 'client', header);
	assert.deepEqual(alerts, []);
});

test('version details become evidence: agent, services (P2P_V2, NETWORK_LIMITED) and height', () => {
	const {open, send, end, latest} = harness();
	const flow = open({client: '10.0.0.8', server: '198.51.100.20', serverPort: 8333});
	send(flow, 'client', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:26.0.0/', services: 0xc08n, startHeight: 850_123})));
	// One side of the handshake so far: raised as it stands once the flow ends.
	end(flow);
	const [alert] = latest();
	assert.equal(alert?.certainty, 90);
	assert.ok(alert?.evidence.some((line) => line === 'content: 10.0.0.8 version 70016, agent /Satoshi:26.0.0/, services WITNESS|NETWORK_LIMITED|P2P_V2, height 850123'), alert?.evidence.join(' | '));
});

test('a home host accepting inbound P2P from outside is a listening node: the outside peer opened it, to the host\'s port, and listening leads the evidence', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '203.0.113.99', clientPort: 50_812, server: '192.168.10.10', serverPort: 8333});
	send(flow, 'client', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:25.0.0/'})));
	send(flow, 'server', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:27.1.0/'})));
	const [alert] = latest();
	assert.equal(alert?.host, '192.168.10.10');
	assert.equal(alert?.peer, '203.0.113.99');
	assert.equal(alert?.port, 8333, 'the host\'s listening port, not the client\'s ephemeral 50812');
	assert.equal(alert?.opener, 'peer');
	assert.equal(alert?.direction, 'external-internal');
	assert.equal(alert?.severity, 'high');
	assert.equal(alert?.agent, '/Satoshi:27.1.0/');
	assert.equal(alert?.evidence[0], 'content: 192.168.10.10 accepts inbound P2P connections on port 8333 (listening node)');
	assert.equal(describeAlert({alert, acknowledged: false}).split(' bitcoin-node')[0], '203.0.113.99 → 192.168.10.10:8333');
});

test('an outbound connection: the host opened it, to the peer\'s port', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '192.168.10.10', clientPort: 50_812, server: '203.0.113.99', serverPort: 8333});
	send(flow, 'client', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:27.1.0/'})));
	send(flow, 'server', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:25.0.0/'})));
	const [alert] = latest();
	assert.deepEqual([alert?.host, alert?.peer, alert?.port, alert?.opener, alert?.severity], ['192.168.10.10', '203.0.113.99', 8333, 'host', 'medium']);
	assert.equal(describeAlert({alert: alert!, acknowledged: false}).split(' bitcoin-node')[0], '192.168.10.10 → 203.0.113.99:8333');
});

test('a capture joined mid-connection finds the next message boundary', () => {
	const {open, send, end, latest} = harness();
	const flow = open({sawSyn: false, serverPort: 18_333});
	const inv = bitcoinMessage(0x0b110907, 'inv', concatBytes(new Uint8Array([1, 1, 0, 0, 0]), new Uint8Array(32).fill(7)));
	send(flow, 'client', concatBytes(new Uint8Array(300).fill(0xf9), inv.subarray(0, 10)));
	assert.deepEqual(latest(), []);
	send(flow, 'client', concatBytes(inv.subarray(10), bitcoinMessage(0x0b110907, 'ping', new Uint8Array(8))));
	end(flow);
	assert.equal(latest()[0]?.network, 'bitcoin-testnet3');
});

test('joined mid-connection, a lone message is found at any offset after any bytes, near-magics among them', () => {
	for (const [magic, network] of magics) {
		const wire = new Uint8Array([magic >>> 24, (magic >>> 16) & 0xff, (magic >>> 8) & 0xff, magic & 0xff]);
		// Every magic's bytes, each cut short of a whole magic, so candidates of every kind come first.
		const nearMagics = concatBytes(...magics.map(([other]) => new Uint8Array([other >>> 24, (other >>> 16) & 0xff, (other >>> 8) & 0xff, 0x00])));
		for (let lead = 0; lead < 8; lead++) {
			const {open, send, end, latest} = harness();
			const flow = open({sawSyn: false, serverPort: 40_002});
			const inv = bitcoinMessage(magic, 'inv', concatBytes(new Uint8Array([1, 1, 0, 0, 0]), new Uint8Array(32).fill(7)));
			send(flow, 'client', concatBytes(new Uint8Array(lead).fill(0x55), nearMagics, wire.subarray(0, 3), inv));
			end(flow);
			assert.equal(latest()[0]?.network, network, `${network} after ${lead} + ${nearMagics.length + 3} bytes`);
		}
	}
});

test('the checksum-less version and verack of pre-0.7 clients are recognised by structure', () => {
	const {open, send, end, latest} = harness();
	const flow = open({serverPort: 8333});
	const legacy = bitcoinMessage(0xf9beb4d9, 'version', versionPayload({protocolVersion: 32_001, userAgent: '', timestamp: 1_301_327_937}).subarray(0, 85));
	const withoutChecksum = concatBytes(legacy.subarray(0, 20), legacy.subarray(24));
	const legacyVerack = bitcoinMessage(0xf9beb4d9, 'verack', new Uint8Array(0)).subarray(0, 20);
	send(flow, 'client', concatBytes(withoutChecksum, legacyVerack, bitcoinMessage(0xf9beb4d9, 'getaddr', new Uint8Array(0))));
	end(flow);
	const [alert] = latest();
	assert.equal(alert?.network, 'bitcoin-mainnet');
	assert.ok(alert?.evidence.some((line) => line.includes('version 32001, no user agent')), alert?.evidence.join(' | '));
});

test('the regtest magic shared with Litecoin is told apart by the user agent', () => {
	const {open, send, end, latest} = harness();
	const flow = open({serverPort: 19_444});
	send(flow, 'client', bitcoinMessage(0xfabfb5da, 'version', versionPayload({userAgent: '/LitecoinCore:0.21.3/'})));
	end(flow);
	assert.equal(latest()[0]?.network, 'litecoin-regtest');
});

test('a hostile user agent comes out sanitized', () => {
	const {open, send, end, latest} = harness();
	const flow = open({serverPort: 8333});
	send(flow, 'client', bitcoinMessage(0xf9beb4d9, 'version', versionPayload({userAgent: '/Satoshi:27.0.0/\u001b]0;x\u0007\u202e'})));
	end(flow);
	const [alert] = latest();
	assert.equal(alert?.agent, '/Satoshi:27.0.0/\\x1b]0;x\\x07\\u{202e}');
});
