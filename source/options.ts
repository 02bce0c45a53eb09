// Turns command-line flags into validated session options; every mistake becomes one UsageError line.

import {captureHelperNames, type CaptureHelperName} from './capture/capture-helper.js';
import {CidrSet, defaultHomeNet} from './flows/cidr-set.js';
import {defaultFlowCap} from './flows/flow-table.js';
import {defaultHostCap} from './flows/host-table.js';
import type {UnprivilegedUser} from './privilege.js';

export class UsageError extends Error {}

export type Speed = number | 'max';

export interface FileSourceOptions {
	kind: 'file';
	/** A path, or `-` for standard input. */
	path: string;
	loop: boolean;
}

export interface LiveSourceOptions {
	kind: 'live';
	/** Undefined: the first interface that is up and not loopback. */
	interface?: string;
	helper?: CaptureHelperName;
	snaplen: number;
}

/** Everything the capture worker needs; plain data, so it crosses into the worker as workerData. */
export interface SessionOptions {
	source: FileSourceOptions | LiveSourceOptions;
	/**
	 * Who the process switches to once the source is open (see privilege.ts): the session then waits
	 * for the main thread to have switched before it reads a packet, and the helper is told too.
	 */
	unprivilegedUser?: UnprivilegedUser;
	filter?: string;
	speed: Speed;
	maxPackets?: number;
	durationSeconds?: number;
	intervalMs: number;
	homeNet: readonly string[];
	allow: string[];
	poolsFile?: string;
	flowCap: number;
	hostCap: number;
	payloadBytes: number;
	/** How many hosts each NDJSON summary lists. */
	top: number;
	/**
	 * For the interactive renderers: after its end record the session keeps answering view requests
	 * (sort, filter, window, detail) on the final tables until it is told to stop.
	 */
	answerViewsAfterEnd?: boolean;
}

/** The Ink UI, NDJSON, or the blessed-contrib wall dashboard. */
export type OutputMode = 'ui' | 'json' | 'wall';

export interface CliOptions {
	session: SessionOptions;
	output: OutputMode;
	alertsFile?: string;
	listInterfaces: boolean;
}

export interface RawFlags {
	read?: string;
	interface?: string;
	filter?: string;
	listInterfaces: boolean;
	snaplen?: string;
	capture?: string;
	speed?: string;
	loop: boolean;
	count?: string;
	duration?: string;
	interval?: string;
	json: boolean;
	wall: boolean;
	alerts?: string;
	homeNet?: string;
	allow: string[];
	pools?: string;
	flowCap?: string;
	hostCap?: string;
	payloadBytes?: string;
	top?: string;
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
	if (text === undefined) {
		return fallback;
	}

	const value = Number(text);
	if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
		throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, not '${text}'`);
	}

	return value;
}

function positiveNumber(flag: string, text: string, min: number, max: number): number {
	const value = Number(text);
	if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
		throw new UsageError(`--${flag} takes a number from ${min} to ${max}, not '${text}'`);
	}

	return value;
}

export function parseSpeed(text: string): Speed {
	const trimmed = text.trim().toLowerCase().replace(/(\d)x$/, '$1');
	if (trimmed === 'max') {
		return 'max';
	}

	return positiveNumber('speed', trimmed, 0.01, 10_000);
}

function commaList(text: string): string[] {
	return text.split(',').map(item => item.trim()).filter(item => item.length > 0);
}

export function resolveOptions(flags: RawFlags, stdoutIsTerminal: boolean): CliOptions {
	if (flags.read !== undefined && flags.interface !== undefined) {
		throw new UsageError('use either -r FILE (replay) or -i IFACE (live capture), not both');
	}

	if (flags.capture !== undefined && !captureHelperNames.includes(flags.capture as CaptureHelperName)) {
		throw new UsageError(`--capture takes one of ${captureHelperNames.join(', ')}, not '${flags.capture}'`);
	}

	const live = flags.read === undefined;
	if (live && flags.loop) {
		throw new UsageError('--loop replays a file: use it with -r FILE');
	}

	if (live && flags.speed !== undefined) {
		throw new UsageError('--speed paces a replay: use it with -r FILE (live capture runs at the pace of the link)');
	}

	// A flag that would do nothing is refused, so that nobody believes it did something.
	if (!live && flags.filter !== undefined) {
		throw new UsageError('-f/--filter is a capture filter for live capture (-i); to filter a file, run: tcpdump -r FILE -w - \'FILTER\' | npx minewatch -r -');
	}

	for (const [flag, value] of [['snaplen', flags.snaplen], ['capture', flags.capture]] as const) {
		if (!live && value !== undefined) {
			throw new UsageError(`--${flag} sets up live capture (-i), and a file (-r) is read as it was captured: leave --${flag} out`);
		}
	}

	if (flags.wall && flags.json) {
		throw new UsageError('--wall draws a dashboard on the terminal and --json writes NDJSON: use one of them');
	}

	if (flags.wall && !stdoutIsTerminal) {
		throw new UsageError('--wall needs a terminal on standard output (for NDJSON, use --json)');
	}

	const output: OutputMode = flags.wall ? 'wall' : (flags.json || !stdoutIsTerminal ? 'json' : 'ui');
	const speed: Speed = flags.speed === undefined ? (output === 'json' ? 'max' : 1) : parseSpeed(flags.speed);

	const source: SessionOptions['source'] = live
		? {
			kind: 'live',
			interface: flags.interface,
			helper: flags.capture as CaptureHelperName | undefined,
			snaplen: wholeNumber('snaplen', flags.snaplen, 262_144, 64, 262_144),
		}
		: {kind: 'file', path: flags.read!, loop: flags.loop};

	if (!live && flags.read!.trim() === '') {
		throw new UsageError('-r takes a capture file name, or - for standard input');
	}

	const homeNet = flags.homeNet === undefined ? defaultHomeNet : commaList(flags.homeNet);
	if (homeNet.length === 0) {
		throw new UsageError('--home-net takes a comma-separated list of CIDRs, e.g. 10.0.0.0/8,fd00::/8');
	}

	const allow = flags.allow.flatMap(item => commaList(item));
	for (const [flag, list] of [['home-net', homeNet], ['allow', allow]] as const) {
		try {
			CidrSet.parse(list);
		} catch (error) {
			throw new UsageError(`--${flag}: ${(error as Error).message}`);
		}
	}

	return {
		output,
		alertsFile: flags.alerts,
		listInterfaces: flags.listInterfaces,
		session: {
			source,
			filter: flags.filter,
			speed,
			maxPackets: flags.count === undefined ? undefined : wholeNumber('count', flags.count, 0, 1, Number.MAX_SAFE_INTEGER),
			durationSeconds: flags.duration === undefined ? undefined : positiveNumber('duration', flags.duration, 0.1, 31_536_000),
			intervalMs: Math.round(1000 * (flags.interval === undefined ? 1 : positiveNumber('interval', flags.interval, 0.1, 60))),
			homeNet,
			allow,
			poolsFile: flags.pools,
			flowCap: wholeNumber('flow-cap', flags.flowCap, defaultFlowCap, 100, 10_000_000),
			hostCap: wholeNumber('host-cap', flags.hostCap, defaultHostCap, 100, 10_000_000),
			payloadBytes: wholeNumber('payload-bytes', flags.payloadBytes, 16_384, 256, 1_048_576),
			top: wholeNumber('top', flags.top, 20, 1, 10_000),
			answerViewsAfterEnd: output !== 'json',
		},
	};
}
