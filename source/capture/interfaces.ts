// The interfaces live capture can open: from libpcap (through the pcap module's child process, so
// the addon never loads into this process), else from `ip -j addr`, else from /sys/class/net.
import {execFile} from 'node:child_process';
import {readdir, readFile} from 'node:fs/promises';
import {pcapChildPath} from './capture-helper.js';
import type {PcapDevice} from './pcap-child.js';

export interface InterfaceInfo {
	name: string;
	description?: string;
	/** IPv4 and IPv6 addresses, without prefix length. */
	addresses: string[];
	up: boolean;
	loopback: boolean;
}

const interfaceUpFlag = 0x1;
const interfaceLoopbackFlag = 0x8;
const listTimeoutMillis = 10_000;

function run(file: string, args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(file, args, {timeout: listTimeoutMillis, maxBuffer: 16 * 1024 * 1024}, (error, stdout) => {
			if (error === null) resolve(stdout);
			else reject(error);
		});
	});
}

/** The kernel's IFF_* flags of an interface, or undefined for libpcap pseudo-devices (any, nflog, dbus-*). */
async function kernelFlags(name: string): Promise<number | undefined> {
	if (name.includes('/') || name.startsWith('.')) return undefined;
	try {
		return Number.parseInt(await readFile(`/sys/class/net/${name}/flags`, 'utf8'), 16);
	} catch {
		return undefined;
	}
}

async function fromPcap(): Promise<InterfaceInfo[]> {
	const devices = JSON.parse(await run(process.execPath, [pcapChildPath(), 'list'])) as PcapDevice[];
	return Promise.all(devices.map(async device => {
		const flags = await kernelFlags(device.name);
		const info: InterfaceInfo = {
			name: device.name,
			addresses: (device.addresses ?? []).flatMap(address => (address?.addr === undefined ? [] : [address.addr])),
			// `any` has no kernel flags but always captures
			up: flags === undefined ? device.name === 'any' : (flags & interfaceUpFlag) !== 0,
			loopback: device.flags === 'PCAP_IF_LOOPBACK',
		};
		if (device.description !== undefined) info.description = device.description;
		return info;
	}));
}

interface IpAddressEntry {
	ifname: string;
	flags?: string[];
	addr_info?: Array<{local?: string}>;
}

async function fromIp(): Promise<InterfaceInfo[]> {
	const entries = JSON.parse(await run('ip', ['-j', 'addr'])) as IpAddressEntry[];
	return entries.map(entry => ({
		name: entry.ifname,
		addresses: (entry.addr_info ?? []).flatMap(address => (address.local === undefined ? [] : [address.local])),
		up: entry.flags?.includes('UP') ?? false,
		loopback: entry.flags?.includes('LOOPBACK') ?? false,
	}));
}

async function fromSysfs(): Promise<InterfaceInfo[]> {
	const names = (await readdir('/sys/class/net')).sort();
	return Promise.all(names.map(async name => {
		const flags = await kernelFlags(name) ?? 0;
		return {name, addresses: [], up: (flags & interfaceUpFlag) !== 0, loopback: (flags & interfaceLoopbackFlag) !== 0};
	}));
}

/** Every interface found by the first source that answers; empty when none does. */
export async function listInterfaces(): Promise<InterfaceInfo[]> {
	for (const source of [fromPcap, fromIp, fromSysfs]) {
		try {
			const interfaces = await source();
			if (interfaces.length > 0) return interfaces;
		} catch {
			// this source is unavailable here; try the next
		}
	}
	return [];
}

/** The first interface that is up, not loopback and has an address (so pseudo-devices are never picked). */
export async function defaultInterface(): Promise<string | undefined> {
	const interfaces = await listInterfaces();
	return interfaces.find(candidate => candidate.up && !candidate.loopback && candidate.addresses.length > 0)?.name;
}
