import {test} from 'node:test';
import assert from 'node:assert/strict';
import {CidrSet, defaultHomeNet} from '../../source/flows/cidr-set.js';
import {parseIpv6} from '../../source/decode/ip-address-text.js';

test('IPv4 networks and single addresses', () => {
	const set = CidrSet.parse(['10.0.0.0/8', '192.0.2.7', ' 172.16.0.0/12 ', '0.0.0.0/0'.replace('0/0', '0/32')]);
	assert.equal(set.contains('10.255.1.2'), true);
	assert.equal(set.contains('11.0.0.1'), false);
	assert.equal(set.contains('192.0.2.7'), true);
	assert.equal(set.contains('192.0.2.8'), false);
	assert.equal(set.contains('172.31.255.255'), true);
	assert.equal(set.contains('172.32.0.0'), false);
	assert.equal(set.contains('not an address'), false);
	assert.equal(set.containsIpv4(0x0a000001), true);
});

test('a prefix with host bits set still names its network; /0 matches everything of its family', () => {
	const set = CidrSet.parse(['10.1.2.3/8', '::/0']);
	assert.equal(set.contains('10.200.0.1'), true);
	assert.equal(set.contains('2001:db8::1'), true);
	assert.equal(set.contains('8.8.8.8'), false);
});

test('IPv6 networks, numeric words, and IPv4-mapped addresses', () => {
	const set = CidrSet.parse(['fc00::/7', '::1', '2001:db8:1::/48', '192.168.0.0/16']);
	assert.equal(set.contains('fd12:3456::1'), true);
	assert.equal(set.contains('fe00::1'), false);
	assert.equal(set.contains('::1'), true);
	assert.equal(set.contains('::2'), false);
	assert.equal(set.contains('2001:db8:1:ffff::1'), true);
	assert.equal(set.contains('2001:db8:2::1'), false);
	assert.equal(set.contains('::ffff:192.168.4.4'), true);
	const words = Uint32Array.from(parseIpv6('fd00::7')!);
	assert.equal(set.containsWords(words, 6), true);
	assert.equal(set.containsWords(Uint32Array.of(0xc0a80101, 0, 0, 0), 4), true);
});

test('the default home network covers private, shared, loopback and link-local space', () => {
	const set = CidrSet.parse(defaultHomeNet);
	for (const inside of ['10.1.1.1', '172.16.5.5', '192.168.1.142', '100.64.0.1', '127.0.0.1', '169.254.10.10', 'fd00::1', 'fe80::1', '::1']) {
		assert.equal(set.contains(inside), true, inside);
	}
	for (const outside of ['8.8.8.8', '94.23.199.191', '147.229.13.222', '100.128.0.1', '2001:4860:4860::8888']) {
		assert.equal(set.contains(outside), false, outside);
	}
});

test('bad entries fail with a one-line message naming the entry', () => {
	for (const bad of ['10.0.0.0/33', '300.1.1.1', 'fc00::/129', 'example.com', '', '10.0.0.0/', '10.0.0.0/8/8', '::1/-1', '1:2:3']) {
		assert.throws(() => CidrSet.parse(['10.0.0.0/8', bad]), (error: Error) => {
			assert.ok(error.message.includes(`'${bad}'`), error.message);
			assert.ok(!error.message.includes('\n'));
			return true;
		});
	}
});
