// Interface listing against what the kernel itself reports in /sys/class/net.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {test} from 'node:test';
import {defaultInterface, listInterfaces} from '../../source/capture/interfaces.js';

const sysfs = '/sys/class/net';
const hasSysfs = (() => {
	try {
		return readdirSync(sysfs).length > 0;
	} catch {
		return false;
	}
})();

function kernelFlags(name: string): number {
	return Number.parseInt(readFileSync(`${sysfs}/${name}/flags`, 'utf8'), 16);
}

test('lists the loopback interface as up, loopback, with 127.0.0.1', {skip: hasSysfs ? false : 'no /sys/class/net here'}, async () => {
	const interfaces = await listInterfaces();
	const loopback = interfaces.find(candidate => candidate.name === 'lo');
	assert.ok(loopback !== undefined, `lo is listed among ${interfaces.map(candidate => candidate.name).join(', ')}`);
	assert.equal(loopback.up, true);
	assert.equal(loopback.loopback, true);
	assert.ok(loopback.addresses.includes('127.0.0.1'), `lo has 127.0.0.1: ${loopback.addresses.join(', ')}`);
});

test('lists every kernel interface with the kernel\'s up and loopback flags', {skip: hasSysfs ? false : 'no /sys/class/net here'}, async () => {
	const interfaces = await listInterfaces();
	const names = interfaces.map(candidate => candidate.name);
	assert.equal(new Set(names).size, names.length, 'each interface once');
	for (const name of readdirSync(sysfs)) {
		const listed = interfaces.find(candidate => candidate.name === name);
		assert.ok(listed !== undefined, `${name} is listed`);
		const flags = kernelFlags(name);
		assert.equal(listed.up, (flags & 0x1) !== 0, `${name} up flag`);
		assert.equal(listed.loopback, (flags & 0x8) !== 0, `${name} loopback flag`);
	}
});

test('the default interface is the first one that is up, not loopback and addressed', {skip: hasSysfs ? false : 'no /sys/class/net here'}, async () => {
	const interfaces = await listInterfaces();
	const expected = interfaces.find(candidate => candidate.up && !candidate.loopback && candidate.addresses.length > 0);
	const chosen = await defaultInterface();
	assert.equal(chosen, expected?.name);
	if (chosen !== undefined) {
		assert.notEqual(chosen, 'lo');
		assert.notEqual(kernelFlags(chosen) & 0x1, 0, `${chosen} is up in the kernel`);
	}
});
