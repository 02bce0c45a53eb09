// The pcap module's capture process. node_pcap stops its poll handle without closing it, which
// aborts any worker thread (and the process with it) at exit, so a live session only ever runs here,
// in a process of its own: it writes a classic pcap stream on stdout and reports libpcap counters
// and open errors over the IPC channel, never mixed into the packet bytes.
//   node pcap-child.js capture '<CaptureChildOptions JSON>'   (forked with an IPC channel)
//   node pcap-child.js list      prints the interfaces as JSON
//   node pcap-child.js probe     exits 0 when the module loads
import {createRequire} from 'node:module';
import type {HelperCounters} from '../model/messages.js';
import {switchToUser} from '../privilege.js';
import {captureBuffering, classifyOpenFailure, type CaptureChildOptions, type OpenFailure} from './capture-helper.js';

export type CaptureChildMessage =
	| {type: 'stats'; stats: HelperCounters}
	| {type: 'error'; reason: OpenFailure | 'module'; message: string};

export type CaptureChildControl = {type: 'stop'};

export interface PcapDevice {
	name: string;
	description?: string;
	/** Holes where libpcap listed a non-IP address. */
	addresses?: Array<{addr?: string} | null>;
	flags?: string;
}

interface PcapSession {
	readonly link_type: string;
	on(event: 'packet', listener: (packet: {buf: Buffer; header: Buffer}) => void): void;
	stats(): {ps_recv: number; ps_drop: number; ps_ifdrop: number};
	close(): void;
}

interface PcapModule {
	createSession(device: string, options: {filter?: string; snap_length?: number; buffer_size?: number; buffer_timeout?: number; promiscuous?: boolean}): PcapSession;
	findalldevs(): PcapDevice[];
	warningHandler: (text: string) => void;
}

const linkTypeNumbers: Record<string, number> = {
	LINKTYPE_NULL: 0,
	LINKTYPE_ETHERNET: 1,
	LINKTYPE_RAW: 101,
	LINKTYPE_LINUX_SLL: 113,
	LINKTYPE_IEEE802_11_RADIO: 127,
};

/** node_pcap names five link types and reports any other as `Unknown linktype N` (a DLT value). */
function linkTypeNumber(name: string): number {
	const known = linkTypeNumbers[name];
	if (known !== undefined) return known;
	const unknown = /(\d+)/.exec(name);
	return unknown === null ? 1 : Number(unknown[1]);
}

const pcapMagicMicros = 0xa1_b2_c3_d4;
const globalHeaderLength = 24;
const recordHeaderLength = 16;
/** Records are gathered into batches so one write carries many packets. */
const batchBytes = 1024 * 1024;
/**
 * Beyond this much output the reader has not taken, packets are dropped (and counted) instead of
 * queued. node_pcap reads libpcap's ring as fast as packets come, so this backlog, not the kernel
 * ring, is what absorbs the reader's stalls (its first second compiling detection, a burst): it gets
 * the ring's size, the slack tcpdump and dumpcap have when their pipe is full and the ring fills.
 */
const maxBacklogBytes = captureBuffering.kernelBufferBytes;
const statsIntervalMillis = 1000;

function loadPcap(): PcapModule {
	return createRequire(import.meta.url)('pcap') as PcapModule;
}

function errorText(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0]!.trim();
}

function send(message: CaptureChildMessage): Promise<void> {
	return new Promise(resolve => {
		if (process.send === undefined || !process.connected) {
			resolve();
			return;
		}
		process.send(message, undefined, {}, () => {
			resolve();
		});
	});
}

async function failAndExit(reason: OpenFailure | 'module', message: string): Promise<never> {
	await send({type: 'error', reason, message});
	process.exit(1);
}

class PcapStreamWriter {
	private batch = Buffer.allocUnsafe(batchBytes);
	private used = 0;
	private flushScheduled = false;
	/** Packets dropped here because the reader fell behind. */
	backlogDropped = 0;

	constructor(private readonly snaplen: number, linkType: number) {
		const header = this.batch;
		header.writeUInt32LE(pcapMagicMicros, 0);
		header.writeUInt16LE(2, 4);
		header.writeUInt16LE(4, 6);
		header.writeInt32LE(0, 8);
		header.writeUInt32LE(0, 12);
		header.writeUInt32LE(snaplen, 16);
		header.writeUInt32LE(linkType, 20);
		this.used = globalHeaderLength;
		this.flush();
	}

	/** node_pcap fills one buffer and one 16-byte header (native-endian sec, usec, caplen, len) for every packet. */
	readonly onPacket = (packet: {buf: Buffer; header: Buffer}): void => {
		if (process.stdout.writableLength > maxBacklogBytes) {
			this.backlogDropped++;
			return;
		}
		const {header, buf} = packet;
		const capturedLength = Math.min(header.readUInt32LE(8), buf.length, this.snaplen);
		if (this.used + recordHeaderLength + capturedLength > this.batch.length) this.flush();
		const offset = this.used;
		this.batch.writeUInt32LE(header.readUInt32LE(0), offset);
		this.batch.writeUInt32LE(header.readUInt32LE(4), offset + 4);
		this.batch.writeUInt32LE(capturedLength, offset + 8);
		this.batch.writeUInt32LE(header.readUInt32LE(12), offset + 12);
		buf.copy(this.batch, offset + recordHeaderLength, 0, capturedLength);
		this.used = offset + recordHeaderLength + capturedLength;
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			setImmediate(this.flush);
		}
	};

	/** Hands the filled part of the batch to stdout and starts a fresh batch (the written one stays queued until sent). */
	readonly flush = (): void => {
		this.flushScheduled = false;
		if (this.used === 0) return;
		process.stdout.write(this.batch.subarray(0, this.used));
		const size = Math.max(batchBytes, this.snaplen + recordHeaderLength);
		this.batch = Buffer.allocUnsafe(size);
		this.used = 0;
	};

	/** Resolves once everything written has left for the pipe. */
	drained(): Promise<void> {
		this.flush();
		if (process.stdout.writableLength === 0) return Promise.resolve();
		return new Promise(resolve => {
			process.stdout.once('drain', resolve);
			process.stdout.once('error', resolve);
		});
	}
}

async function capture(options: CaptureChildOptions): Promise<void> {
	let pcap: PcapModule;
	try {
		pcap = loadPcap();
	} catch (error) {
		return failAndExit('module', errorText(error));
	}
	// libpcap warns about interfaces without an IPv4 address; harmless for capturing
	pcap.warningHandler = () => {};

	let session: PcapSession;
	try {
		session = pcap.createSession(options.interface, {
			filter: options.filter ?? '',
			snap_length: options.snaplen,
			buffer_size: options.bufferBytes,
			buffer_timeout: options.bufferTimeoutMillis,
			promiscuous: true,
		});
	} catch (error) {
		const message = errorText(error);
		return failAndExit(classifyOpenFailure(message), message);
	}

	// The open capture socket is all that needed root; packets are copied out as the user.
	if (options.user !== undefined) {
		try {
			switchToUser(options.user);
		} catch (error) {
			session.close();
			return failAndExit('other', `cannot switch to user ${options.user.name ?? options.user.uid}: ${errorText(error)}`);
		}
	}

	const writer = new PcapStreamWriter(options.snaplen, linkTypeNumber(session.link_type));
	session.on('packet', writer.onPacket);

	const currentStats = (): HelperCounters => {
		const counters = session.stats();
		return {received: counters.ps_recv, dropped: counters.ps_drop, interfaceDropped: counters.ps_ifdrop, helperDropped: writer.backlogDropped};
	};
	const statsTimer = setInterval(() => {
		void send({type: 'stats', stats: currentStats()});
	}, statsIntervalMillis);

	let stopping = false;
	const stop = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		clearInterval(statsTimer);
		let finalStats: HelperCounters | undefined;
		try {
			finalStats = currentStats();
		} catch {
			// the session failed already; nothing to report
		}
		session.close();
		if (process.connected) {
			await writer.drained();
			if (finalStats !== undefined) await send({type: 'stats', stats: finalStats});
		}
		// the closed session keeps its poll handle referenced, so the loop would never empty by itself
		process.exit(0);
	};

	process.on('message', (message: CaptureChildControl) => {
		if (message.type === 'stop') void stop();
	});
	// the parent went away: nobody reads the packets any more
	process.on('disconnect', () => void stop());
	process.on('SIGTERM', () => void stop());
	process.on('SIGINT', () => void stop());
	process.stdout.on('error', () => void stop());
}

function list(): void {
	const devices = loadPcap().findalldevs();
	process.stdout.write(JSON.stringify(devices));
}

const mode = process.argv[2];
if (mode === 'capture') {
	await capture(JSON.parse(process.argv[3] ?? '{}') as CaptureChildOptions);
} else if (mode === 'list') {
	list();
} else if (mode === 'probe') {
	loadPcap();
} else {
	process.stderr.write('usage: pcap-child.js capture OPTIONS_JSON | list | probe\n');
	process.exitCode = 2;
}
