// Shared by the live capture tests: whether a helper can capture here, which child processes this
// process has, and the TCP segments of a pcap stream read back through the CaptureReader.
import {readdirSync, readFileSync} from 'node:fs';
import type {TestContext} from 'node:test';
import {CaptureReader} from '../../source/capture/capture-reader.js';
import {findProgram, pcapModuleLoads, type CaptureHelperName} from '../../source/capture/capture-helper.js';
import {linkTypes} from '../../source/decode/packet-record.js';

/** CI sets MINEWATCH_REQUIRE_LIVE=1: there, "live capture is not possible here" is a failure, not a skip. */
export const liveRequired = process.env['MINEWATCH_REQUIRE_LIVE'] === '1';

/** Skips (or, where live capture is required, fails) the test; returns true when the caller should return. */
export function skipLive(t: TestContext, reason: string | undefined): boolean {
	if (reason === undefined) return false;
	if (liveRequired) throw new Error(`live capture required (MINEWATCH_REQUIRE_LIVE=1) but ${reason}`);
	t.skip(reason);
	return true;
}

export function helperMissing(helper: CaptureHelperName): string | undefined {
	if (helper === 'pcap') return pcapModuleLoads() ? undefined : 'the pcap module does not load';
	return findProgram(helper) === undefined ? `${helper} is not installed` : undefined;
}

export function isRoot(): boolean {
	return process.getuid?.() === 0;
}

/** Pids whose parent is this process, read from /proc (a `ps` would list itself). */
export function childPids(): Set<number> {
	return childPidsOf(process.pid);
}

function statFields(stat: string): string[] {
	// the command name in parentheses may itself hold spaces and parentheses
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function childPidsOf(parent: number): Set<number> {
	const children = new Set<number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			if (Number(statFields(stat)[1]) === parent) children.add(Number(entry));
		} catch {
			// the process ended while we looked
		}
	}
	return children;
}

/** Every process below `ancestor` (children, their children...), as /proc shows them now. */
export function descendantPids(ancestor: number): Set<number> {
	const found = new Set<number>();
	const pending = [ancestor];
	for (let parent = pending.pop(); parent !== undefined; parent = pending.pop()) {
		for (const child of childPidsOf(parent)) {
			found.add(child);
			pending.push(child);
		}
	}
	return found;
}

/** Gone, or a zombie: an orphan may linger unreaped when init does not reap, but it no longer runs. */
export function processGone(pid: number): boolean {
	try {
		return statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0] === 'Z';
	} catch {
		return true;
	}
}

export interface TcpSegment {
	sourcePort: number;
	destinationPort: number;
	sequence: number;
	syn: boolean;
	ack: boolean;
	fin: boolean;
	payload: Buffer;
}

const etherTypeIpv4 = 0x0800;
const protocolTcp = 6;

/** The IPv4 TCP segments of one packet (Ethernet or raw IP), copied out of the reader's reused buffer. */
function tcpSegment(linkType: number, bytes: Buffer): TcpSegment | undefined {
	let ip = 0;
	if (linkType === linkTypes.ethernet) {
		if (bytes.readUInt16BE(12) !== etherTypeIpv4) return undefined;
		ip = 14;
	} else if (linkType === linkTypes.linuxSll) {
		if (bytes.readUInt16BE(14) !== etherTypeIpv4) return undefined;
		ip = 16;
	} else if (linkType !== linkTypes.raw) {
		throw new Error(`unexpected link type ${linkType} on loopback`);
	}
	if (bytes[ip]! >> 4 !== 4 || bytes[ip + 9] !== protocolTcp) return undefined;
	const ipHeaderLength = (bytes[ip]! & 0x0f) * 4;
	const ipTotalLength = bytes.readUInt16BE(ip + 2);
	const tcp = ip + ipHeaderLength;
	const tcpHeaderLength = (bytes[tcp + 12]! >> 4) * 4;
	const flags = bytes[tcp + 13]!;
	return {
		sourcePort: bytes.readUInt16BE(tcp),
		destinationPort: bytes.readUInt16BE(tcp + 2),
		sequence: bytes.readUInt32BE(tcp + 4),
		syn: (flags & 0x02) !== 0,
		ack: (flags & 0x10) !== 0,
		fin: (flags & 0x01) !== 0,
		payload: Buffer.from(bytes.subarray(tcp + tcpHeaderLength, ip + ipTotalLength)),
	};
}

/** Reads a live pcap stream as it arrives, keeping every TCP segment and the link types seen. */
export class SegmentCollector {
	readonly segments: TcpSegment[] = [];
	readonly linkTypesSeen = new Set<number>();
	private readonly reader = new CaptureReader('live capture test');

	readonly take = (chunk: Buffer): void => {
		this.reader.append(chunk);
		for (let record = this.reader.next(); record !== undefined; record = this.reader.next()) {
			this.linkTypesSeen.add(record.linkType);
			const bytes = Buffer.from(record.data.buffer, record.data.byteOffset + record.offset, record.capturedLength);
			const segment = tcpSegment(record.linkType, bytes);
			if (segment !== undefined) this.segments.push(segment);
		}
	};

	get format(): string | undefined {
		return this.reader.stats.format;
	}

	/** The in-order payload one side sent, rebuilt from sequence numbers (duplicates dropped). */
	payloadFrom(sourcePort: number): Buffer {
		const sent = this.segments.filter(segment => segment.sourcePort === sourcePort);
		const syn = sent.find(segment => segment.syn);
		if (syn === undefined) return Buffer.alloc(0);
		const firstByte = (syn.sequence + 1) >>> 0;
		const bySequence = new Map<number, Buffer>();
		for (const segment of sent) {
			if (segment.payload.length > 0) bySequence.set(((segment.sequence - firstByte) >>> 0), segment.payload);
		}
		const parts: Buffer[] = [];
		let next = 0;
		for (const [offset, payload] of [...bySequence].sort((a, b) => a[0] - b[0])) {
			if (offset > next) break;
			if (offset + payload.length > next) parts.push(payload.subarray(next - offset));
			next = Math.max(next, offset + payload.length);
		}
		return Buffer.concat(parts);
	}
}

export function delay(milliseconds: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, milliseconds));
}

/** Polls until the condition holds; false when the deadline passed first. */
export async function waitFor(condition: () => boolean, timeoutMilliseconds: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMilliseconds;
	while (!condition()) {
		if (Date.now() > deadline) return false;
		await delay(20);
	}
	return true;
}
