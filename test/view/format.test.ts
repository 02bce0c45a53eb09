import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatCount, formatEndpoint, quantity} from '../../source/view/format.js';
import {describeAlert} from '../../source/view/alert-description.js';
import type {Alert} from '../../source/model/messages.js';

test('endpoints are written as people read them: IPv6 in brackets, no port for a lookup', () => {
	assert.equal(formatEndpoint('203.0.113.7', 3333), '203.0.113.7:3333');
	assert.equal(formatEndpoint('2001:db8::1', 8333), '[2001:db8::1]:8333');
	assert.equal(formatEndpoint('198.51.100.99', 0), '198.51.100.99');
});

test('a quantity\'s noun agrees with the number as shown', () => {
	assert.deepEqual([quantity(0, 'flow'), quantity(1, 'flow'), quantity(2, 'flow'), quantity(1234, 'packet')], ['0 flows', '1 flow', '2 flows', '1,234 packets']);
	assert.equal(quantity(1200, 'host', formatCount), '1.20k hosts');
});

test('a pool lookup alert names the resolved address without a port', () => {
	const alert: Alert = {
		type: 'alert',
		id: '0123456789abcdef',
		time: '2026-11-30T09:00:00.000Z',
		detection: 'mining-pool-lookup',
		severity: 'medium',
		certainty: 60,
		host: '192.168.10.28',
		hostRole: 'miner',
		peer: '198.51.100.99',
		port: 0, opener: 'host',
		peerName: 'xmr-eu1.nanopool.org',
		direction: 'internal-external',
		protocol: 'dns',
		evidence: ['reputation: DNS lookup of mining pool xmr-eu1.nanopool.org (nanopool.org)'],
		mitre: {tactic: 'TA0040', technique: 'T1496.001'},
		allowed: false,
		count: 1,
	};
	const line = describeAlert({alert, acknowledged: false});
	assert.ok(line.startsWith('192.168.10.28 → 198.51.100.99 (xmr-eu1.nanopool.org) mining-pool-lookup'), line);
});
