import {test} from 'node:test';
import assert from 'node:assert/strict';
import {formatIpv4, formatIpv6, parseIpv4, parseIpv6} from '../../source/decode/ip-address-text.js';

test('IPv4 text round trip', () => {
	assert.equal(formatIpv4(0xc0a80294), '192.168.2.148');
	assert.equal(formatIpv4(0xffffffff), '255.255.255.255');
	assert.equal(parseIpv4('192.168.2.148'), 0xc0a80294);
	assert.equal(parseIpv4('0.0.0.0'), 0);
	for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4 ', 'a.b.c.d', '']) assert.equal(parseIpv4(bad), undefined, bad);
});

test('IPv6 text in RFC 5952 form', () => {
	const cases = ['2001:db8::1', '::', '::1', 'fe80::1:0:0:1', '2001:db8:0:1:1:1:1:1', '2001:0:0:1::1', 'ff02::fb', '::ffff:192.0.2.7', '1::'];
	for (const address of cases) {
		const words = parseIpv6(address);
		assert.ok(words, address);
		assert.equal(formatIpv6(...words), address);
	}
	assert.equal(formatIpv6(...parseIpv6('2001:DB8:0000:0000:0000:0000:0000:0001')!), '2001:db8::1');
	for (const bad of ['1:2:3:4:5:6:7', '1::2::3', 'g::1', '12345::', '1:2:3:4:5:6:7:8:9', ':', 'fe80::1%eth0']) assert.equal(parseIpv6(bad), undefined, bad);
});
