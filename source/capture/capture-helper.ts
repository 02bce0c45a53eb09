// The programs that can open an interface for us (the pcap module in a child process, tcpdump,
// dumpcap), how to find them, and the error a user sees when one cannot capture: what failed and
// the exact commands that fix it. Only the helper ever needs capture rights, never node itself.
import {spawnSync} from 'node:child_process';
import {accessSync, constants, realpathSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {exitCodes} from '../exit-codes.js';
import type {UnprivilegedUser} from '../privilege.js';

export type CaptureHelperName = 'pcap' | 'tcpdump' | 'dumpcap';

export const captureHelperNames: readonly CaptureHelperName[] = ['pcap', 'tcpdump', 'dumpcap'];

/**
 * How every helper buffers packets between the interface and minewatch. Immediate mode (a wake-up
 * per packet, and on Linux the fixed-slot TPACKET_V2 ring it forces) lost 2% of the packets at 25k
 * packets/s where plain tcpdump lost none; a large kernel ring filled in blocks (TPACKET_V3) and
 * handed over when a block fills or the buffer timeout passes keeps up, at the price of that timeout
 * in latency on a quiet link. Under load blocks fill in milliseconds.
 */
export const captureBuffering = {
	/** The kernel's capture ring: 64 MiB holds ~1.3 s of a saturated gigabit link. */
	kernelBufferBytes: 64 * 1024 * 1024,
	/**
	 * The longest a captured packet may wait in the ring before the helper sees it. The pcap module's
	 * is ours to set; tcpdump's and dumpcap's are built in (measured here on lo: 0.5-0.7 s and 0.2 s).
	 */
	bufferTimeoutMillis: {pcap: 50, tcpdump: 1000, dumpcap: 250} satisfies Record<CaptureHelperName, number>,
	/**
	 * How many nice steps the helper runs ahead of minewatch, when minewatch may (root or
	 * CAP_SYS_NICE). A helper left without CPU loses packets for good in the kernel ring, while
	 * minewatch falling behind only queues them. On this project's 2-core machine, fully loaded at
	 * 100k packets/s on lo, dumpcap at minewatch's priority got 0.45 of a core where it needs 0.55 and
	 * lost 13-19% of the packets; five steps ahead it lost 5%, ten steps ahead none. A helper is one
	 * thread whose work per packet is small and bounded, so the priority takes little from anything else.
	 */
	helperNiceSteps: 10,
} as const;

export interface HelperCaptureRequest {
	interface: string;
	snaplen: number;
	/** A BPF capture filter (not blank), or undefined for every packet. */
	filter?: string;
	/** Who the helper switches to once the interface is open, when it can (the pcap child, tcpdump -Z). */
	user?: UnprivilegedUser;
}

/**
 * The command line of tcpdump or dumpcap: a classic pcap stream on stdout (`-w -`), flushed per packet
 * (tcpdump `-U`; dumpcap flushes pipes by itself), numeric, the kernel ring of `captureBuffering`
 * (`-B` is in KiB for tcpdump, MiB for dumpcap) and no immediate mode.
 */
export function helperArguments(helper: 'tcpdump' | 'dumpcap', request: HelperCaptureRequest): string[] {
	const {filter} = request;
	const hasFilter = filter !== undefined;
	const ring = captureBuffering.kernelBufferBytes;
	if (helper === 'tcpdump') {
		// tcpdump needs a name; without -Z a tcpdump built --with-user (Debian's) switches to its own
		// user, which minewatch, once switched itself, could not signal for counters.
		const userName = request.user?.name;
		return [
			'-U', '-n', '-B', String(ring / 1024), '-w', '-', '-i', request.interface, '-s', String(request.snaplen),
			...(userName === undefined ? [] : ['-Z', userName]),
			...(hasFilter ? ['--', filter] : []),
		];
	}
	return [
		'-P', '-q', '-B', String(ring / 1024 / 1024), '-w', '-', '-i', request.interface, '-s', String(request.snaplen),
		...(hasFilter ? ['-f', filter] : []),
	];
}

/** What the pcap module's child process is asked to open (see pcap-child.ts). */
export interface CaptureChildOptions extends HelperCaptureRequest {
	/** node_pcap's `buffer_size`: the kernel ring, in bytes. */
	bufferBytes: number;
	/** node_pcap's `buffer_timeout`; 0 or less would mean immediate mode. */
	bufferTimeoutMillis: number;
}

export function pcapChildOptions(request: HelperCaptureRequest): CaptureChildOptions {
	return {...request, bufferBytes: captureBuffering.kernelBufferBytes, bufferTimeoutMillis: captureBuffering.bufferTimeoutMillis.pcap};
}

/** Live capture could not start; the CLI prints `message` and `hint` before drawing anything and exits 3. */
export class CaptureError extends Error {
	override name = 'CaptureError';
	readonly exitCode = exitCodes.capture;
	readonly hint: string[];

	constructor(message: string, hint: string[] = []) {
		super(message);
		this.hint = hint;
	}
}

/** Why a helper failed to open the interface, from its own error text. */
export type OpenFailure = 'permission' | 'no-such-device' | 'filter' | 'other';

export function classifyOpenFailure(text: string): OpenFailure {
	if (/permission|not permitted|EPERM|EACCES|access denied/i.test(text)) return 'permission';
	if (/no such device|there is no device|doesn't exist|does not exist|no such interface/i.test(text)) return 'no-such-device';
	if (/filter|syntax error/i.test(text)) return 'filter';
	return 'other';
}

/** Capture programs often live in sbin, which unprivileged users rarely have on PATH. */
const extraProgramDirectories = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** The absolute path of an executable program, searched on PATH and then in the sbin directories. */
export function findProgram(program: string): string | undefined {
	const directories = (process.env['PATH'] ?? '').split(path.delimiter).filter(directory => directory !== '');
	for (const directory of [...directories, ...extraProgramDirectories]) {
		const candidate = path.join(directory, program);
		try {
			accessSync(candidate, constants.X_OK);
			if (statSync(candidate).isFile()) return path.resolve(candidate);
		} catch {
			// not in this directory
		}
	}
	return undefined;
}

/** setcap needs the regular file, not a symlink to it. */
function setcapTarget(programPath: string): string {
	try {
		return realpathSync(programPath);
	} catch {
		return programPath;
	}
}

export function pcapChildPath(): string {
	return fileURLToPath(new URL('pcap-child.js', import.meta.url));
}

let pcapModuleLoadable: boolean | undefined;

/**
 * Whether the pcap module loads, tried in a throwaway process: loading the addon here could put it
 * into a second thread of this process, which the non-context-aware addon does not survive.
 */
export function pcapModuleLoads(): boolean {
	pcapModuleLoadable ??= spawnSync(process.execPath, [pcapChildPath(), 'probe'], {stdio: 'ignore', timeout: 10_000}).status === 0;
	return pcapModuleLoadable;
}

/** `pcap` when the module loads, else the first of tcpdump and dumpcap installed; undefined if none. */
export function defaultCaptureHelper(): CaptureHelperName | undefined {
	if (pcapModuleLoads()) return 'pcap';
	if (findProgram('tcpdump') !== undefined) return 'tcpdump';
	if (findProgram('dumpcap') !== undefined) return 'dumpcap';
	return undefined;
}

// `npx minewatch` is the command README's installs put within reach: `minewatch` alone is on PATH
// only after a global install.
const replayHint = 'or analyse a saved capture, which needs no privileges: npx minewatch -r capture.pcap';

export function notInstalledError(helper: CaptureHelperName, detail?: string): CaptureError {
	const reason = detail === undefined ? '' : ` (${detail})`;
	switch (helper) {
		case 'pcap': {
			return new CaptureError(`capture helper pcap is not usable: the pcap module does not load${reason}`, [
				'install the libpcap headers and rebuild the module: sudo apt-get install libpcap-dev && npm rebuild pcap',
				'or capture through tcpdump instead: --capture tcpdump',
				replayHint,
			]);
		}

		case 'tcpdump': {
			return new CaptureError(`capture helper tcpdump is not installed${reason}`, [
				'install it: sudo apt-get install tcpdump',
				'or use another helper: --capture dumpcap or --capture pcap',
				replayHint,
			]);
		}

		case 'dumpcap': {
			return new CaptureError(`capture helper dumpcap is not installed${reason}`, [
				'install it (it comes with Wireshark\'s common files): sudo apt-get install wireshark-common',
				'or use another helper: --capture tcpdump or --capture pcap',
				replayHint,
			]);
		}
	}
}

function permissionHints(helper: CaptureHelperName, iface: string, programPath: string | undefined): string[] {
	const sudo = `run minewatch as root: sudo npx minewatch -i ${iface} (where sudo's PATH has no node: sudo env "PATH=$PATH" npx minewatch -i ${iface})`;
	if (helper === 'pcap') {
		const tcpdump = findProgram('tcpdump');
		const grant = tcpdump === undefined
			? 'sudo apt-get install tcpdump, then sudo setcap cap_net_raw,cap_net_admin+eip /usr/bin/tcpdump'
			: `sudo setcap cap_net_raw,cap_net_admin+eip ${setcapTarget(tcpdump)}`;
		return [
			sudo,
			'or capture through tcpdump with capture rights given to tcpdump alone (never setcap the node binary: every Node script would gain raw capture):',
			`  ${grant}`,
			`  npx minewatch -i ${iface} --capture tcpdump`,
			replayHint,
		];
	}

	const hints = [
		sudo,
		`or give ${helper} capture rights once: sudo setcap cap_net_raw,cap_net_admin+eip ${setcapTarget(programPath ?? `/usr/bin/${helper}`)}`,
	];
	if (helper === 'dumpcap') {
		hints.push('or join the wireshark group: sudo dpkg-reconfigure wireshark-common && sudo usermod -a -G wireshark $USER (then log in again)');
	}

	hints.push(replayHint);
	return hints;
}

export interface OpenFailureReport {
	helper: CaptureHelperName;
	iface: string;
	filter?: string;
	/** The helper's own error text, one line. */
	text: string;
	/** Where the helper program lives, for the setcap command. */
	programPath?: string;
	/** Interface names to suggest when the named one does not exist. */
	knownInterfaces?: string[];
}

export function openFailureError(report: OpenFailureReport): CaptureError {
	const {helper, iface, text} = report;
	const kind = classifyOpenFailure(text);
	switch (kind) {
		case 'permission': {
			return new CaptureError(`no permission to capture on ${iface} with ${helper}: ${text}`, permissionHints(helper, iface, report.programPath));
		}

		case 'no-such-device': {
			const known = report.knownInterfaces ?? [];
			return new CaptureError(`cannot capture on ${iface} with ${helper}: no such interface (${text})`, [
				known.length > 0 ? `interfaces here: ${known.join(', ')}` : 'name an existing interface with -i IFACE',
				replayHint,
			]);
		}

		case 'filter': {
			return new CaptureError(`cannot capture on ${iface} with ${helper}: bad capture filter ${JSON.stringify(report.filter ?? '')} (${text})`, [
				'capture filters use BPF syntax, e.g. -f \'tcp port 3333\' (see man 7 pcap-filter)',
			]);
		}

		case 'other': {
			return new CaptureError(`cannot capture on ${iface} with ${helper}: ${text}`, [replayHint]);
		}
	}
}
