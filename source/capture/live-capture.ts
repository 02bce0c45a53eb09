// Live capture through a helper process (the pcap module's child, tcpdump or dumpcap). Each one
// writes a classic pcap stream on its stdout, which feeds the same CaptureReader and pump as replay;
// this module starts the helper, confirms it opened the interface, gathers its counters and ends it.
import {fork, spawn, type ChildProcess} from 'node:child_process';
import {constants as osConstants, getPriority, setPriority} from 'node:os';
import {PassThrough, type Readable} from 'node:stream';
import type {HelperCounters} from '../model/messages.js';
import type {UnprivilegedUser} from '../privilege.js';
import {
	CaptureError,
	captureBuffering,
	classifyOpenFailure,
	findProgram,
	helperArguments,
	notInstalledError,
	pcapChildOptions,
	openFailureError,
	pcapChildPath,
	type CaptureHelperName,
	type HelperCaptureRequest,
	type OpenFailure,
} from './capture-helper.js';
import {listInterfaces} from './interfaces.js';
import type {CaptureChildControl, CaptureChildMessage} from './pcap-child.js';

export {CaptureError, captureHelperNames, defaultCaptureHelper, type CaptureHelperName} from './capture-helper.js';
export {defaultInterface, listInterfaces, type InterfaceInfo} from './interfaces.js';

export interface LiveCaptureOptions {
	interface: string;
	/** A BPF capture filter (pcap-filter(7)). */
	filter?: string;
	/** Bytes kept per packet; default 262144, like tcpdump. */
	snaplen?: number;
	helper: CaptureHelperName;
	/** How long the helper may take to open the interface; default 10 s. */
	startTimeoutMs?: number;
	/** Who the helper switches to once the interface is open, when it can (see README). */
	user?: UnprivilegedUser;
}

export interface LiveCapture {
	readonly helper: CaptureHelperName;
	/** Classic pcap bytes: the global header, then one record per packet. Ends when the helper exits. */
	readonly stdout: Readable;
	/** The helper's latest libpcap counters: every second for pcap and tcpdump, at exit for dumpcap. */
	stats(): HelperCounters | undefined;
	/**
	 * Asks the helper to end and resolves once it has exited (killed after a grace period if it does
	 * not). What it captured until then still arrives on `stdout`, which then ends: keep reading it,
	 * or call `discardOutput()`, or the helper may block on a full pipe until it is killed.
	 */
	stop(): Promise<void>;
	/** Reads the rest of `stdout` and throws it away (nobody will process it). */
	discardOutput(): void;
	/**
	 * The helper's exit code, or the signal that ended it (null when it never started), once it exited
	 * and its counters are in.
	 */
	readonly exited: Promise<number | NodeJS.Signals | null>;
}

const defaultSnaplen = 262_144;
const defaultStartTimeoutMillis = 10_000;
const stopGraceMillis = 3000;
const tcpdumpStatsIntervalMillis = 1000;
const stderrKeptChars = 16_384;

interface HelperCommand {
	child: ChildProcess;
	/** The program that needs capture rights, for the setcap hint. */
	programPath?: string;
}

const runningHelpers = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Asks a helper to end. tcpdump and dumpcap are ended by their parent watcher, which stays root:
 * once minewatch has switched to an unprivileged user it may not signal a helper still root (dumpcap).
 */
function endHelper(child: ChildProcess): void {
	if (child.stdin !== null) {
		child.stdin.destroy();
	} else {
		child.kill('SIGTERM');
	}
}

/** A last resort for a process (or worker) ending without stop(): its helpers must not outlive it. */
function trackHelper(child: ChildProcess): void {
	runningHelpers.add(child);
	child.once('exit', () => runningHelpers.delete(child));
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const helper of runningHelpers) endHelper(helper);
	});
}

/**
 * tcpdump and dumpcap notice a dead reader only when their next packet write fails, which on a quiet
 * interface may be never; and tcpdump drops root after opening, which clears any parent-death signal.
 * So a watcher shares their stdin pipe: when the write end closes (stop, or this process dying in
 * any way) it sends the helper SIGTERM. `exec` keeps the shell's pid, which `$$` names, for the helper.
 */
const parentWatchScript = 'exec 3<&0; (cat <&3; kill -TERM $$) >/dev/null 2>&1 & exec 3<&- </dev/null; exec "$@"';

function spawnProgram(helper: 'tcpdump' | 'dumpcap', args: string[]): HelperCommand {
	const programPath = findProgram(helper);
	if (programPath === undefined) throw notInstalledError(helper);
	const child = spawn('/bin/sh', ['-c', parentWatchScript, 'sh', programPath, ...args], {stdio: ['pipe', 'pipe', 'pipe']});
	return {child, programPath};
}

/** Puts the helper ahead of minewatch for the CPU (see `captureBuffering.helperNiceSteps`) when minewatch may. */
function prioritize(child: ChildProcess): void {
	if (child.pid === undefined) return;
	try {
		setPriority(child.pid, Math.max(osConstants.priority.PRIORITY_HIGHEST, getPriority() - captureBuffering.helperNiceSteps));
	} catch {
		// Not root and no CAP_SYS_NICE: the helper keeps minewatch's own priority.
	}
}

function startHelper(options: LiveCaptureOptions, snaplen: number): HelperCommand {
	const filter = options.filter?.trim() === '' ? undefined : options.filter;
	const request: HelperCaptureRequest = {interface: options.interface, snaplen, filter, user: options.user};
	if (options.helper !== 'pcap') return spawnProgram(options.helper, helperArguments(options.helper, request));
	const child = fork(pcapChildPath(), ['capture', JSON.stringify(pcapChildOptions(request))], {
		stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
		execArgv: [],
		serialization: 'json',
	});
	return {child};
}

/** tcpdump (on SIGUSR1 and at exit) and dumpcap (at exit) print their counters on stderr. */
function parseStatsLine(line: string, stats: HelperCounters): boolean {
	const dumpcap = /received\/dropped on interface .*?: (\d+)\/(\d+)(?: \(.*?ps_ifdrop:(\d+)\))?/.exec(line);
	if (dumpcap !== null) {
		stats.received = Number(dumpcap[1]);
		stats.dropped = Number(dumpcap[2]);
		stats.interfaceDropped = Number(dumpcap[3] ?? 0);
		return true;
	}

	let matched = false;
	for (const [pattern, key] of [
		[/(\d+) packets? received by filter/, 'received'],
		[/(\d+) packets? dropped by kernel/, 'dropped'],
		[/(\d+) packets? dropped by interface/, 'interfaceDropped'],
	] as const) {
		const match = pattern.exec(line);
		if (match !== null) {
			stats[key] = Number(match[1]);
			matched = true;
		}
	}
	return matched;
}

/** The helper's own error in one line: `tcpdump: lo: You don't have permission ... (socket: Operation not permitted)`. */
function helperErrorLine(program: string, stderr: string): string {
	const lines = stderr.split(/\r\n|\r|\n/).map(line => line.replace(/[\u0000-\u001f\u007f]/g, ' ').trim()).filter(line => line !== '');
	const index = lines.findIndex(line => line.startsWith(`${program}:`));
	if (index === -1) return lines.find(line => !/^(Capturing on|File:)/.test(line)) ?? `${program} exited without capturing`;
	let text = lines[index]!.slice(program.length + 1).trim();
	const detail = lines[index + 1];
	if (detail?.startsWith('(') && !text.includes(detail.slice(1, -1))) text += ` ${detail}`;
	return text;
}

class HelperCapture implements LiveCapture {
	readonly helper: CaptureHelperName;
	readonly stdout = new PassThrough({highWaterMark: 1024 * 1024});
	readonly exited: Promise<number | NodeJS.Signals | null>;
	/** Settles when the helper opened the interface (first pcap bytes) or failed to. */
	readonly ready: Promise<void>;

	private readonly child: ChildProcess;
	private readonly programPath: string | undefined;
	private latestStats: HelperCounters | undefined;
	private stderrText = '';
	private stderrPartialLine = '';
	/** What the helper process reported itself: a failed start, or the pcap child's own error message. */
	private childError: CaptureError | undefined;
	private childFailure: {reason: OpenFailure | 'module'; message: string} | undefined;
	private started = false;
	private exitCode: number | null | undefined;
	private exitSignal: NodeJS.Signals | null = null;
	private statsTimer: NodeJS.Timeout | undefined;
	private killTimer: NodeJS.Timeout | undefined;
	private stopRequested = false;

	constructor(private readonly options: LiveCaptureOptions, command: HelperCommand) {
		this.helper = options.helper;
		this.child = command.child;
		this.programPath = command.programPath;
		trackHelper(this.child);
		const {child} = this;

		child.stdout!.pipe(this.stdout);
		child.stderr!.setEncoding('utf8');
		child.stderr!.on('data', (text: string) => {
			this.takeStderr(text);
		});
		child.on('message', (message: CaptureChildMessage) => {
			this.takeChildMessage(message);
		});

		const stderrDone = new Promise<void>(resolve => child.stderr!.once('close', resolve));
		const ipcDone = child.connected ? new Promise<void>(resolve => child.once('disconnect', resolve)) : Promise.resolve();
		const processDone = new Promise<void>(resolve => {
			child.once('exit', (code, signal) => {
				this.exitCode = code;
				this.exitSignal = signal;
				// ends the parent watcher of tcpdump and dumpcap
				child.stdin?.destroy();
				resolve();
			});
			// Also a signal refused (EPERM: a helper still root after minewatch switched user): kept off
			// the uncaught path, it only matters before the helper started.
			child.on('error', error => {
				this.childError ??= new CaptureError(`cannot start ${this.helper}: ${error.message}`);
				// a process that never started emits no exit
				if (child.pid === undefined) resolve();
			});
		});
		this.exited = Promise.all([processDone, stderrDone, ipcDone]).then(() => {
			clearInterval(this.statsTimer);
			clearTimeout(this.killTimer);
			if (this.stderrPartialLine !== '') this.takeStderrLine(this.stderrPartialLine);
			return this.exitCode ?? this.exitSignal;
		});

		this.ready = new Promise<void>((resolve, reject) => {
			const timeout = setTimeout(() => {
				reject(new CaptureError(`${this.helper} did not start capturing on ${options.interface} within ${Math.round(this.startTimeout / 1000)} s`));
			}, this.startTimeout);
			child.stdout!.once('data', () => {
				clearTimeout(timeout);
				this.started = true;
				resolve();
			});
			void this.exited.then(async () => {
				clearTimeout(timeout);
				if (!this.started) reject(await this.startFailure());
			});
		});
		this.ready.then(() => {
			this.startPeriodicStats();
		}, () => {
			void this.stop();
		});
	}

	private get startTimeout(): number {
		return this.options.startTimeoutMs ?? defaultStartTimeoutMillis;
	}

	stats(): HelperCounters | undefined {
		return this.latestStats === undefined ? undefined : {...this.latestStats};
	}

	async stop(): Promise<void> {
		if (!this.stopRequested && this.exitCode === undefined) {
			this.stopRequested = true;
			if (this.child.connected) {
				const control: CaptureChildControl = {type: 'stop'};
				this.child.send(control);
			} else {
				endHelper(this.child);
			}
			this.killTimer = setTimeout(() => {
				this.child.kill('SIGKILL');
			}, stopGraceMillis);
		}
		await this.exited;
	}

	discardOutput(): void {
		this.stdout.resume();
	}

	private startPeriodicStats(): void {
		if (this.helper !== 'tcpdump') return;
		this.statsTimer = setInterval(() => {
			if (this.exitCode === undefined && !this.stopRequested) this.child.kill('SIGUSR1');
		}, tcpdumpStatsIntervalMillis);
		this.statsTimer.unref();
	}

	private takeStderr(text: string): void {
		this.stderrText = (this.stderrText + text).slice(-stderrKeptChars);
		const lines = (this.stderrPartialLine + text).split(/\r\n|\r|\n/);
		this.stderrPartialLine = lines.pop()!;
		for (const line of lines) this.takeStderrLine(line);
	}

	private takeStderrLine(line: string): void {
		const stats = this.latestStats ?? {received: 0, dropped: 0, interfaceDropped: 0};
		if (parseStatsLine(line, stats)) this.latestStats = stats;
	}

	private takeChildMessage(message: CaptureChildMessage): void {
		if (message.type === 'stats') this.latestStats = message.stats;
		else this.childFailure = {reason: message.reason, message: message.message};
	}

	/** Why the helper ended before it produced any pcap bytes. */
	private async startFailure(): Promise<CaptureError> {
		const {helper, options, childFailure} = this;
		if (this.childError !== undefined) return this.childError;
		if (childFailure?.reason === 'module') return notInstalledError('pcap', childFailure.message);
		let text = childFailure?.message;
		text ??= this.stderrText.trim() === ''
			? `${helper} exited with code ${this.exitCode ?? 'null'} before capturing`
			: helperErrorLine(helper, this.stderrText);
		const knownInterfaces = classifyOpenFailure(text) === 'no-such-device'
			? (await listInterfaces().catch(() => [])).map(candidate => candidate.name)
			: undefined;
		return openFailureError({helper, iface: options.interface, filter: options.filter, text, programPath: this.programPath, knownInterfaces});
	}
}

/**
 * Starts the helper on the interface; resolves once it is capturing (its pcap header arrived),
 * rejects with a CaptureError (exit code 3, with hints) when it cannot open the interface.
 */
export async function startLiveCapture(options: LiveCaptureOptions): Promise<LiveCapture> {
	const snaplen = options.snaplen ?? defaultSnaplen;
	const command = startHelper(options, snaplen);
	prioritize(command.child);
	const capture = new HelperCapture(options, command);
	await capture.ready;
	return capture;
}
