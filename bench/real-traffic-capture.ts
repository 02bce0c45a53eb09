// Builds the benchmark's real-traffic captures out of the public captures in ../shared/captures
// (benign/ and positive/: nDPI's protocol test suite and the mining traces), so throughput is
// measured on packets nobody on this project wrote. One "copy" is every file's packets merged by
// time; the copies follow each other in time until the file holds at least 2 million packets and
// 200,000 flows. Three outputs, each cached in the temp folder under a name keyed on the inputs:
// - new flows: each copy's IPv4 and IPv6 addresses shifted, so every copy's flows are new flows;
// - repeated flows: the same packets without the address shift (ndpiReader's speed differs
//   greatly between the two, so both are measured);
// - loopback: IPv4 only, every address rewritten into 127.0.0.0/8, for a live benchmark on lo.
// Files are read with the project's own capture reader, so no Wireshark tool is needed at bench time.
import {createHash} from 'node:crypto';
import {createWriteStream, existsSync, readFileSync, readdirSync, renameSync, statSync, type WriteStream} from 'node:fs';
import {once} from 'node:events';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {CaptureReader} from '../source/capture/capture-reader.js';
import type {PacketRecord} from '../source/decode/packet-record.js';
import {DecodedPacket} from '../source/decode/decoded-packet.js';
import {findNetworkLayer} from '../source/decode/link-layer.js';
import {CidrSet, defaultHomeNet} from '../source/flows/cidr-set.js';
import {TrafficPipeline} from '../source/flows/traffic-pipeline.js';
import {flowsOnly} from './flows-only.js';

/** Part of every cache name: raise it when the output's layout changes, so old files are rebuilt. */
const formatVersion = 2;
const minimumPackets = 2_000_000;
const minimumFlows = 200_000;
const defaultLoopbackPackets = 400_000;
/**
 * nDPI's test files are often several captures joined, with gaps of years between them; a gap
 * longer than this is cut to this, so a copy spans minutes, not decades, and stays one busy stretch.
 */
const maximumGapMicros = 1_000_000;
/** Between one copy's last packet and the next copy's first. */
const copyGapMicros = 1_000_000;
/** 2026-01-01T00:00:00Z: the first copy's start; the files' own dates are not kept. */
const firstCopyMicros = 1_767_225_600_000_000;
const ethernetLinkType = 1;
const ethernetHeaderLength = 14;
const pcapFileHeaderLength = 24;
const pcapRecordHeaderLength = 16;
const etherTypeIpv4 = 0x0800;
const etherTypeIpv6 = 0x86dd;

const here = path.dirname(fileURLToPath(import.meta.url));
/** Compiled, this file is dist/bench/real-traffic-capture.js: the project root is two folders up. */
const sharedCaptures = path.resolve(here, '..', '..', '..', 'shared', 'captures');

type Log = (line: string) => void;

/** One copy of every input packet as Ethernet frames, in the order and relative time they are written. */
interface Template {
	/** All frames, back to back. */
	frames: Buffer;
	frameOffsets: Uint32Array;
	frameLengths: Uint32Array;
	originalLengths: Uint32Array;
	/** Microseconds after the copy's start. */
	times: Float64Array;
	/** Where the IP header starts inside the frame; -1 for frames that carry no IP. */
	ipOffsets: Int32Array;
	/** 4, 6, or 0 for no IP. */
	ipVersions: Uint8Array;
	/** IPv4 only: the header checksum was right in the input (offloaded sends leave it wrong). */
	checksumValid: Uint8Array;
	spanMicros: number;
	largestFrame: number;
}

interface Inputs {
	files: string[];
	key: string;
}

/** The input files and a hash of their names and sizes; undefined (said through log) when the folder is absent. */
function findInputs(log: Log): Inputs | undefined {
	if (!existsSync(sharedCaptures)) {
		log(`no real-traffic capture: ${sharedCaptures} is absent`);
		return undefined;
	}

	const files = ['positive', 'benign'].flatMap(kind => {
		const directory = path.join(sharedCaptures, kind);
		return existsSync(directory) ? readdirSync(directory).filter(name => /\.pcap(ng)?$/.test(name)).sort().map(name => path.join(directory, name)) : [];
	});
	const hash = createHash('sha256').update(`format ${formatVersion}\n`);
	for (const file of files) {
		hash.update(`${path.relative(sharedCaptures, file)} ${statSync(file).size}\n`);
	}

	return {files, key: hash.digest('hex').slice(0, 12)};
}

function cachePath(inputs: Inputs, variant: string): string {
	return path.join(tmpdir(), `minewatch-bench-real-v${formatVersion}-${inputs.key}-${variant}.pcap`);
}

/** Writes the new-flows and repeated-flows captures if either is missing; returns the new-flows one's path. */
export async function ensureRealTrafficCapture(log: Log): Promise<string | undefined> {
	return (await ensureRealTrafficCaptures(log))?.newFlows;
}

/** The repeated-flows variant (the same packets, no address shift), built alongside the new-flows one. */
export async function ensureRepeatedFlowsCapture(log: Log): Promise<string | undefined> {
	return (await ensureRealTrafficCaptures(log))?.repeatedFlows;
}

async function ensureRealTrafficCaptures(log: Log): Promise<{newFlows: string; repeatedFlows: string} | undefined> {
	const inputs = findInputs(log);
	if (inputs === undefined) {
		return undefined;
	}

	const newFlows = cachePath(inputs, 'new-flows');
	const repeatedFlows = cachePath(inputs, 'repeated-flows');
	if (existsSync(newFlows) && existsSync(repeatedFlows)) {
		return {newFlows, repeatedFlows};
	}

	log(`building ${newFlows} and its repeated-flows variant from ${inputs.files.length} files in ${sharedCaptures} (once; cached in the temp folder) ...`);
	const started = performance.now();
	const template = buildTemplate(inputs.files, log);
	const flowsPerCopy = countFlows(template);
	const copies = Math.max(Math.ceil(minimumPackets / template.times.length), Math.ceil(minimumFlows / flowsPerCopy));
	log(`  one copy: ${template.times.length.toLocaleString('en')} packets, ${flowsPerCopy.toLocaleString('en')} flows, ${(template.spanMicros / 1e6).toFixed(0)} s; writing ${copies} copies`);
	await writeCopies(template, copies, newFlows, repeatedFlows);
	log(`built ${newFlows} and ${path.basename(repeatedFlows)}: ${(copies * template.times.length).toLocaleString('en')} packets, ${(statSync(newFlows).size / 1e6).toFixed(0)} MB each, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	return {newFlows, repeatedFlows};
}

/**
 * A loopback variant for a live benchmark on lo: IPv4 packets only (IPv6 and non-IP frames are
 * dropped, since lo would carry them as well and one ::1 would merge all IPv6 flows into one), every
 * address rewritten into 127.0.0.0/8 with one 127.x.y.z per host and copy, so distinct hosts stay
 * distinct; Ethernet headers kept; the IPv4 header checksum deliberately wrong, so the kernel drops
 * the packets instead of answering them. The first `packets` packets of the repeated copies.
 */
export async function ensureLoopbackCapture(log: Log, packets = defaultLoopbackPackets): Promise<string | undefined> {
	const inputs = findInputs(log);
	if (inputs === undefined) {
		return undefined;
	}

	const file = cachePath(inputs, `loopback-${packets}`);
	if (existsSync(file)) {
		return file;
	}

	log(`building ${file} (once; cached in the temp folder) ...`);
	const started = performance.now();
	const template = buildTemplate(inputs.files, log);
	const hosts = await writeLoopback(template, packets, file);
	log(`built ${file}: ${packets.toLocaleString('en')} packets, ${hosts.toLocaleString('en')} loopback hosts, ${(statSync(file).size / 1e6).toFixed(0)} MB, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	return file;
}

interface Frame {
	bytes: Buffer;
	originalLength: number;
	time: number;
	ipOffset: number;
	ipVersion: number;
}

/** Reads every file, turns each packet into an Ethernet frame and lays one copy out in time order. */
function buildTemplate(files: string[], log: Log): Template {
	const frames: Frame[] = [];
	let skipped = 0;
	let converted = 0;
	let spanMicros = 0;
	const decoded = new DecodedPacket();
	for (const file of files) {
		const reader = new CaptureReader(file);
		reader.append(readFileSync(file));
		reader.finish();
		let previous: number | undefined;
		let time = 0;
		for (let record = reader.next(); record !== undefined; record = reader.next()) {
			const frame = ethernetFrame(record, decoded);
			if (frame === undefined) {
				skipped++;
				continue;
			}

			if (record.linkType !== ethernetLinkType) {
				converted++;
			}

			// Each file starts with its copy; out-of-order times become ties so the file's order is kept.
			if (previous !== undefined) {
				time += Math.min(Math.max(record.timestampMicros - previous, 0), maximumGapMicros);
			}

			previous = record.timestampMicros;
			frame.time = time;
			frames.push(frame);
		}

		spanMicros = Math.max(spanMicros, time);
	}

	// A stable sort: the files play at once, like hosts on one busy link, each in its own order.
	frames.sort((a, b) => a.time - b.time);
	log(`  read ${files.length} files: ${frames.length.toLocaleString('en')} packets (${converted} given a synthetic Ethernet header, ${skipped} on links without IP skipped)`);
	return layOut(frames, spanMicros);
}

/** The packet as an Ethernet frame (a copy of its bytes), or undefined when its link carries no IP this can find. */
function ethernetFrame(record: PacketRecord, decoded: DecodedPacket): Frame | undefined {
	const start = record.offset;
	const end = start + record.capturedLength;
	decoded.reset(record.data);
	const network = findNetworkLayer(record.linkType, record.data, start, end, decoded);
	if (record.linkType === ethernetLinkType) {
		const bytes = Buffer.from(record.data.subarray(start, end));
		const ipVersion = network < 0 ? 0 : ipVersionAt(bytes, network - start, decoded.ipVersion);
		return {bytes, originalLength: record.originalLength, time: 0, ipOffset: ipVersion === 0 ? -1 : network - start, ipVersion};
	}

	if (network < 0) {
		return undefined;
	}

	const ipVersion = ipVersionAt(record.data.subarray(network, end), 0, decoded.ipVersion);
	if (ipVersion === 0) {
		return undefined;
	}

	// Linux cooked, raw IP, BSD loopback, PPP: the IP packet behind a made-up Ethernet header.
	const bytes = Buffer.alloc(ethernetHeaderLength + end - network);
	bytes.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]);
	bytes.writeUInt16BE(ipVersion === 4 ? etherTypeIpv4 : etherTypeIpv6, 12);
	bytes.set(record.data.subarray(network, end), ethernetHeaderLength);
	const originalLength = record.originalLength - (network - start) + ethernetHeaderLength;
	return {bytes, originalLength, time: 0, ipOffset: ethernetHeaderLength, ipVersion};
}

/** 4 or 6 when a whole IPv4 or IPv6 header is there (and agrees with what the link said), else 0. */
function ipVersionAt(bytes: Uint8Array, offset: number, announced: number): number {
	const version = (bytes[offset] ?? 0) >>> 4;
	if (announced !== 0 && announced !== version) {
		return 0;
	}

	if (version === 4 && bytes.length - offset >= 20) {
		return 4;
	}

	return version === 6 && bytes.length - offset >= 40 ? 6 : 0;
}

/** Packs the frames into one buffer and typed arrays, so each copy is written from flat memory. */
function layOut(frames: Frame[], spanMicros: number): Template {
	const count = frames.length;
	const template: Template = {
		frames: Buffer.concat(frames.map(frame => frame.bytes)),
		frameOffsets: new Uint32Array(count),
		frameLengths: new Uint32Array(count),
		originalLengths: new Uint32Array(count),
		times: new Float64Array(count),
		ipOffsets: new Int32Array(count),
		ipVersions: new Uint8Array(count),
		checksumValid: new Uint8Array(count),
		spanMicros,
		largestFrame: 0,
	};
	let offset = 0;
	frames.forEach((frame, index) => {
		template.frameOffsets[index] = offset;
		template.frameLengths[index] = frame.bytes.length;
		template.originalLengths[index] = frame.originalLength;
		template.times[index] = frame.time;
		template.ipOffsets[index] = frame.ipOffset;
		template.ipVersions[index] = frame.ipVersion;
		template.checksumValid[index] = frame.ipVersion === 4 && ipv4Checksum(frame.bytes, frame.ipOffset) === frame.bytes.readUInt16BE(frame.ipOffset + 10) ? 1 : 0;
		template.largestFrame = Math.max(template.largestFrame, frame.bytes.length);
		offset += frame.bytes.length;
	});
	return template;
}

/** Flows in one copy, counted by the project's own pipeline with detection off, to size the copies. */
function countFlows(template: Template): number {
	const pipeline = new TrafficPipeline({observer: flowsOnly, homeNet: CidrSet.parse(defaultHomeNet)});
	const record: PacketRecord = {linkType: ethernetLinkType, timestampMicros: 0, data: template.frames, offset: 0, capturedLength: 0, originalLength: 0};
	for (let index = 0; index < template.times.length; index++) {
		record.timestampMicros = firstCopyMicros + template.times[index]!;
		record.offset = template.frameOffsets[index]!;
		record.capturedLength = template.frameLengths[index]!;
		record.originalLength = template.originalLengths[index]!;
		pipeline.packet(record);
	}

	pipeline.flush();
	return pipeline.totals.flows;
}

function pcapFileHeader(snaplen: number): Buffer {
	const header = Buffer.alloc(pcapFileHeaderLength);
	header.writeUInt32LE(0xa1b2c3d4, 0);
	header.writeUInt16LE(2, 4);
	header.writeUInt16LE(4, 6);
	header.writeUInt32LE(snaplen, 16);
	header.writeUInt32LE(ethernetLinkType, 20);
	return header;
}

/** libpcap's usual snaplen, unless a frame is larger (readers reject records above the snaplen). */
function snaplenFor(template: Template): number {
	return Math.max(262_144, template.largestFrame);
}

function copyStartMicros(template: Template, copy: number): number {
	return firstCopyMicros + copy * (template.spanMicros + copyGapMicros);
}

/** One copy as pcap records: the template's frames at the copy's times, addresses as in the input. */
function copyRecords(template: Template, copy: number): Buffer {
	const count = template.times.length;
	const output = Buffer.allocUnsafe(count * pcapRecordHeaderLength + template.frames.length);
	const start = copyStartMicros(template, copy);
	let position = 0;
	for (let index = 0; index < count; index++) {
		const time = start + template.times[index]!;
		const length = template.frameLengths[index]!;
		output.writeUInt32LE(Math.floor(time / 1e6), position);
		output.writeUInt32LE(time % 1e6, position + 4);
		output.writeUInt32LE(length, position + 8);
		output.writeUInt32LE(template.originalLengths[index]!, position + 12);
		const frameOffset = template.frameOffsets[index]!;
		template.frames.copy(output, position + pcapRecordHeaderLength, frameOffset, frameOffset + length);
		position += pcapRecordHeaderLength + length;
	}

	return output;
}

/**
 * Shifts every address of a copy's records in place so its flows are new ones. IPv4: the copy
 * number is added to the third octet (and above 255 to the second), which keeps each address inside
 * its /16 and so inside or outside the home network as before; it is added to the fourth octet too,
 * because a shift of the third alone moves ndpiReader's additive flow hash (the sum of the addresses
 * and ports, modulo 512 trees) by a multiple of 512: every copy of a flow would land in the tree of
 * the first, which doubled ndpiReader's time on this file, a crowding real traffic does not have.
 * IPv6: the copy number is added to the 16 bits before the interface identifier (the subnet), which
 * keeps fe80::/10, fc00::/7 and multicast as they were. A header checksum that was right is made
 * right again.
 */
function shiftAddresses(template: Template, records: Buffer, copy: number): void {
	let position = 0;
	for (let index = 0; index < template.times.length; index++) {
		const frame = position + pcapRecordHeaderLength;
		const ip = frame + template.ipOffsets[index]!;
		if (template.ipVersions[index] === 4) {
			for (const address of [ip + 12, ip + 16]) {
				records[address + 1] = (records[address + 1]! + (copy >>> 8)) & 0xff;
				records[address + 2] = (records[address + 2]! + copy) & 0xff;
				records[address + 3] = (records[address + 3]! + copy) & 0xff;
			}

			if (template.checksumValid[index] === 1) {
				records.writeUInt16BE(ipv4Checksum(records, ip), ip + 10);
			}
		} else if (template.ipVersions[index] === 6) {
			for (const address of [ip + 8, ip + 24]) {
				records.writeUInt16BE((records.readUInt16BE(address + 6) + copy) & 0xffff, address + 6);
			}
		}

		position = frame + template.frameLengths[index]!;
	}
}

/** The IPv4 header checksum the header at `ip` should carry (its own checksum field counted as zero). */
function ipv4Checksum(bytes: Uint8Array, ip: number): number {
	const headerLength = Math.max(20, (bytes[ip]! & 0x0f) * 4);
	const end = Math.min(ip + headerLength, bytes.length - 1);
	let sum = 0;
	for (let word = ip; word < end; word += 2) {
		if (word !== ip + 10) {
			sum += (bytes[word]! << 8) | bytes[word + 1]!;
		}
	}

	while (sum > 0xffff) {
		sum = (sum & 0xffff) + (sum >>> 16);
	}

	return ~sum & 0xffff;
}

/** Waits for the stream to take the buffer, so at most one copy per output sits in memory. */
async function write(output: WriteStream, bytes: Buffer): Promise<void> {
	if (!output.write(bytes)) {
		await once(output, 'drain');
	}
}

async function close(output: WriteStream, partial: string, file: string): Promise<void> {
	output.end();
	await once(output, 'finish');
	renameSync(partial, file);
}

async function writeCopies(template: Template, copies: number, newFlows: string, repeatedFlows: string): Promise<void> {
	const header = pcapFileHeader(snaplenFor(template));
	const newOutput = createWriteStream(`${newFlows}.partial`);
	const repeatedOutput = createWriteStream(`${repeatedFlows}.partial`);
	await write(newOutput, header);
	await write(repeatedOutput, header);
	for (let copy = 0; copy < copies; copy++) {
		const records = copyRecords(template, copy);
		// The stream keeps the buffer until written: the shifted copy gets bytes of its own.
		const shifted = Buffer.from(records);
		shiftAddresses(template, shifted, copy);
		await Promise.all([write(repeatedOutput, records), write(newOutput, shifted)]);
	}

	await close(newOutput, `${newFlows}.partial`, newFlows);
	await close(repeatedOutput, `${repeatedFlows}.partial`, repeatedFlows);
}

/** Writes the loopback variant; returns how many 127.x.y.z hosts it used. */
async function writeLoopback(template: Template, packets: number, file: string): Promise<number> {
	const partial = `${file}.partial`;
	const output = createWriteStream(partial);
	await write(output, pcapFileHeader(snaplenFor(template)));
	/** Host numbers in order of first appearance, keyed by copy and address: no two hosts share one. */
	const hosts = new Map<number, number>();
	if (!template.ipVersions.includes(4)) {
		throw new Error('the real captures hold no IPv4 packet to put on loopback');
	}

	let written = 0;
	for (let copy = 0; written < packets; copy++) {
		const records = copyRecords(template, copy);
		const kept: Buffer[] = [];
		let position = 0;
		for (let index = 0; index < template.times.length && written < packets; index++) {
			const end = position + pcapRecordHeaderLength + template.frameLengths[index]!;
			if (template.ipVersions[index] === 4) {
				const record = records.subarray(position, end);
				toLoopback(record, pcapRecordHeaderLength + template.ipOffsets[index]!, copy, hosts);
				kept.push(record);
				written++;
			}

			position = end;
		}

		await write(output, Buffer.concat(kept));
	}

	await close(output, partial, file);
	return hosts.size;
}

const hostsPerCopy = 2 ** 32;
/** 127.0.0.0/8 has 2²⁴ addresses; host 0 would be the network address 127.0.0.0. */
const loopbackHosts = 2 ** 24 - 1;

/** Rewrites the record's IPv4 addresses into 127.0.0.0/8 and leaves its header checksum wrong on purpose. */
function toLoopback(record: Buffer, ip: number, copy: number, hosts: Map<number, number>): void {
	for (const address of [ip + 12, ip + 16]) {
		const key = copy * hostsPerCopy + record.readUInt32BE(address);
		let host = hosts.get(key);
		if (host === undefined) {
			host = hosts.size + 1;
			if (host > loopbackHosts) {
				throw new RangeError('the loopback capture needs more hosts than 127.0.0.0/8 holds');
			}

			hosts.set(key, host);
		}

		record.writeUInt32BE((0x7f000000 | host) >>> 0, address);
	}

	// Rewritten addresses leave the old checksum stale anyway; this makes sure no header is right by chance.
	const right = ipv4Checksum(record, ip);
	if (record.readUInt16BE(ip + 10) === right) {
		record.writeUInt16BE(right ^ 0x0001, ip + 10);
	}
}
