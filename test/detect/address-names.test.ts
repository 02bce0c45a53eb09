import {test} from 'node:test';
import assert from 'node:assert/strict';
import {AddressNames} from '../../source/detect/address-names.js';

test('the latest name of each IPv4 and IPv6 address', () => {
	const names = new AddressNames(1000);
	names.set('192.0.2.1', 'a.example');
	names.set('0.0.0.0', 'zero.example');
	names.set('255.255.255.255', 'all.example');
	names.set('2001:db8::1', 'six.example');
	names.set('192.0.2.1', 'b.example');
	assert.equal(names.get('192.0.2.1'), 'b.example');
	assert.equal(names.get('0.0.0.0'), 'zero.example');
	assert.equal(names.get('255.255.255.255'), 'all.example');
	assert.equal(names.get('2001:db8::1'), 'six.example');
	assert.equal(names.get('192.0.2.2'), undefined);
	assert.equal(names.get('::ffff:192.0.2.1'), undefined);
});

test('holds about its capacity, forgetting the oldest addresses first', () => {
	const names = new AddressNames(4096);
	const address = (index: number): string => `10.${(index >> 16) & 0xff}.${(index >> 8) & 0xff}.${index & 0xff}`;
	for (let index = 0; index < 40_000; index++) names.set(address(index), `host${index}`);
	let newest = 0;
	for (let index = 40_000 - 2048; index < 40_000; index++) if (names.get(address(index)) === `host${index}`) newest++;
	let oldest = 0;
	for (let index = 0; index < 2048; index++) if (names.get(address(index)) !== undefined) oldest++;
	assert.ok(newest > 2000, `newest kept: ${newest}`);
	assert.equal(oldest, 0);
});
