#!/usr/bin/env node
// Entry point: flags → options, then one capture worker and one renderer (Ink UI, wall or NDJSON).
import {openSync} from 'node:fs';
import {ReadStream} from 'node:tty';
import meow from 'meow';
import {CaptureThread} from './session/capture-thread.js';
import {listInterfaces} from './capture/live-capture.js';
import {loadPoolList} from './detect/pool-list.js';
import {exitCodes, stopSignals} from './exit-codes.js';
import {resolveOptions, UsageError, type CliOptions, type RawFlags} from './options.js';
import {unprivilegedUser, type UnprivilegedUser} from './privilege.js';
import {AlertLog} from './output/alert-log.js';
import type {MonitorConnection} from './model/monitor-connection.js';
import {formatError} from './output/error-report.js';
import {cliFlags, unknownFlag} from './cli-flags.js';
import {runNdjsonOutput} from './output/ndjson-output.js';
import {StandardOutput} from './output/standard-output.js';
import {describeWriteFailure} from './output/write-failure.js';
import type {UiResult} from './view/closing-summary.js';
import {planView, ViewFailure} from './view-command.js';

const help = `
	Usage
	  $ minewatch -r capture.pcap[ng][.gz]     replay a capture file (- for standard input)
	  $ minewatch [-i IFACE] [-f BPF]          watch a live interface
	  $ minewatch view FILE|- [--wall]         show what minewatch --json wrote (- for standard input)

	Source
	  -r, --read FILE          Replay FILE (pcap, pcapng, optionally gzip-compressed; - reads standard input)
	  -i, --interface IFACE    Capture live on IFACE (default: the first interface that is up and not loopback)
	  -f, --filter BPF         Capture filter for live capture, e.g. 'tcp or udp port 53'
	      --capture HELPER     Live capture helper: pcap, tcpdump or dumpcap (default: pcap if built, else tcpdump, else dumpcap)
	      --snaplen BYTES      Bytes captured per packet in live capture (default 262144)
	      --list-interfaces    List capture interfaces and exit (with --json, one JSON object a line)
	      --user NAME          Started as root: run as NAME once the capture is open (under sudo: the invoking user)

	Replay
	      --speed N|max        Replay at N times the recorded pace, or as fast as possible (default 1 in the UI, max with --json)
	      --loop               Start the file again at its end

	Stopping
	      --count N            Stop after N packets
	      --duration SECONDS   Stop after SECONDS of wall time

	Detection
	      --home-net CIDRS     Comma-separated home network (default RFC 1918, 100.64.0.0/10, loopback, link-local, fc00::/7, fe80::/10)
	      --allow CIDR|IP      Sanctioned host or network: still shown, alerts flagged allowed (repeatable, or comma-separated)
	      --pools FILE         Extra mining-pool domain names and IP addresses, one per line (# comments)

	Output
	      --json               NDJSON on standard output (automatic when standard output is not a terminal)
	      --wall               Big-screen dashboard (blessed-contrib) instead of the interactive UI
	      --alerts FILE        Append every alert to FILE as JSON lines
	      --interval SECONDS   Seconds between summaries (default 1)
	      --top N              Hosts listed in each NDJSON summary (default 20)

	Limits
	      --flow-cap N         Live flows kept before the least recently seen is evicted (default 100000)
	      --host-cap N         Hosts kept before the least recently seen is evicted (default 50000)
	      --payload-bytes N    Payload bytes reassembled per flow direction for detection (default 16384)

	  -f, --capture and --snaplen are for live capture, --speed and --loop for replay: each is refused with the other.

	Exit codes: 0 done, 1 internal error, 2 unusable input file, 3 live capture could not start or its helper died,
	  4 output could not be written, 5 no terminal for minewatch view, 141 standard output closed by its reader, 64 wrong flag;
	  after a clean stop on SIGHUP, SIGINT or SIGTERM, minewatch ends by that signal (129, 130, 143).
`;

const cli = meow(help, {
	importMeta: import.meta,
	allowUnknownFlags: true,
	flags: cliFlags,
	// Printed by main, through standardOutput, so that a failed write is reported (meow's would not be).
	autoHelp: false,
	autoVersion: false,
});
const standardOutput = new StandardOutput();
/** The first stop signal received: once the capture has ended cleanly, minewatch ends by it. */
let stoppedBy: NodeJS.Signals | undefined;

function usageFailure(message: string): number {
	process.stderr.write(`minewatch: ${message}\nRun 'npx minewatch --help' for the flags.\n`);
	return exitCodes.usage;
}

/** One line per interface: tab-separated text, or with --json one `interface` object (README, "--list-interfaces"). */
async function printInterfaces(json: boolean): Promise<number> {
	const interfaces = await listInterfaces();
	for (const info of interfaces) {
		const state = [info.up ? 'up' : 'down', info.loopback ? 'loopback' : ''].filter(Boolean).join(', ');
		const line = json
			? JSON.stringify({type: 'interface', name: info.name, up: info.up, loopback: info.loopback, addresses: info.addresses, description: info.description})
			: `${info.name}\t${state}\t${info.addresses.join(' ')}${info.description ? `\t${info.description}` : ''}`;
		standardOutput.write(`${line}\n`);
	}

	return exitCodes.ok;
}

/** Keys come from the terminal even when the capture arrives on standard input (`-r -`). */
function keyboardInput(options: CliOptions): NodeJS.ReadStream {
	if (options.session.source.kind === 'file' && options.session.source.path === '-') {
		return new ReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
	}

	return process.stdin;
}

/** A terminal that closed under the renderer ends minewatch as SIGHUP would, whether or not one arrived. */
function endedBy(result: UiResult): number {
	if (result.reason === 'hangup') {
		stoppedBy ??= 'SIGHUP';
	}

	return result.exitCode;
}

interface Display {
	output: 'ui' | 'wall';
	keys: NodeJS.ReadStream;
	replay: boolean;
	speed: number | 'max';
}

/** Runs a renderer on the capture worker, or on the NDJSON stream of `minewatch view`. */
async function runInteractive(connection: MonitorConnection, display: Display): Promise<number> {
	const first = await connection.firstMessage();
	if (first.type === 'error') {
		process.stderr.write(formatError(first));
		await connection.exited;
		return first.exitCode;
	}

	if (display.output === 'wall') {
		const {runWall} = await import('./wall/run-wall.js');
		const result = await runWall(connection, {stdin: display.keys, stdout: process.stdout, replay: display.replay});
		await connection.exited;
		return endedBy(result);
	}

	// React's development build renders several times slower; nothing here needs its checks.
	process.env['NODE_ENV'] ??= 'production';
	const {runUi} = await import('./ui/run-ui.js');
	const result = await runUi(connection, {stdin: display.keys, stdout: process.stdout, replay: display.replay, speed: display.speed});
	await connection.exited;
	return endedBy(result);
}

/** `minewatch view FILE|-`: the flags typed after it are checked by planView. */
async function runView(operands: readonly string[]): Promise<number> {
	const given = Object.fromEntries(Object.entries(cli.flags).filter(([, value]) => value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0)));
	let display: Display & {connection: MonitorConnection};
	try {
		display = planView(operands, given, process.stdout.isTTY === true);
	} catch (error) {
		if (error instanceof UsageError) {
			return usageFailure(error.message);
		}

		if (error instanceof ViewFailure) {
			process.stderr.write(`minewatch: ${error.message}\n`);
			return error.exitCode;
		}

		throw error;
	}

	const stop = (signal: NodeJS.Signals) => {
		stoppedBy ??= signal;
		display.connection.send({type: 'stop'});
	};

	for (const signal of stopSignals) {
		process.on(signal, stop);
	}

	return runInteractive(display.connection, display);
}

async function main(): Promise<number> {
	if (cli.unnormalizedFlags['help'] === true) {
		standardOutput.write(`${cli.help}\n`);
		return exitCodes.ok;
	}

	if (cli.unnormalizedFlags['version'] === true) {
		standardOutput.write(`${cli.pkg.version}\n`);
		return exitCodes.ok;
	}

	const unknown = unknownFlag(cli.unnormalizedFlags, process.argv.slice(2));
	if (unknown !== undefined) {
		return usageFailure(`unknown flag ${unknown}`);
	}

	if (cli.input[0] === 'view') {
		return runView(cli.input.slice(1));
	}

	if (cli.input.length > 0) {
		return usageFailure(`unexpected argument '${cli.input[0]}' (a capture file goes after -r)`);
	}

	let options: CliOptions;
	let user: UnprivilegedUser | undefined;
	try {
		options = resolveOptions(cli.flags as RawFlags, process.stdout.isTTY === true);
		user = unprivilegedUser(cli.flags.user);
	} catch (error) {
		if (error instanceof UsageError) {
			return usageFailure(error.message);
		}

		throw error;
	}

	if (options.listInterfaces) {
		return printInterfaces(cli.flags.json);
	}

	if (options.session.poolsFile !== undefined) {
		try {
			loadPoolList(options.session.poolsFile);
		} catch (error) {
			const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message.split('\n')[0];
			process.stderr.write(`minewatch: --pools ${options.session.poolsFile}: ${reason}\n`);
			return exitCodes.badInput;
		}
	}

	const alertsFile = options.alertsFile;
	let alertLog: AlertLog | undefined;
	if (alertsFile !== undefined) {
		try {
			alertLog = new AlertLog(alertsFile, user);
		} catch (error) {
			process.stderr.write(`minewatch: cannot open --alerts file ${alertsFile}: ${describeWriteFailure(error)}\n`);
			return exitCodes.output;
		}
	}

	const thread = new CaptureThread({...options.session, unprivilegedUser: user}, message => {
		if (message.type !== 'alert' || alertLog === undefined) {
			return undefined;
		}

		try {
			alertLog.write(message);
			return undefined;
		} catch (error) {
			alertLog.close();
			alertLog = undefined;
			return {type: 'error', exitCode: exitCodes.output, message: `cannot write --alerts file ${alertsFile}: ${describeWriteFailure(error)}`};
		}
	});
	const stop = (signal: NodeJS.Signals) => {
		stoppedBy ??= signal;
		thread.send({type: 'stop'});
	};

	for (const signal of stopSignals) {
		process.on(signal, stop);
	}

	try {
		return options.output === 'json'
			? await runNdjsonOutput(thread, standardOutput)
			: await runInteractive(thread, {output: options.output, keys: keyboardInput(options), replay: options.session.source.kind === 'file', speed: options.session.speed});
	} finally {
		alertLog?.close();
	}
}

try {
	const exitCode = await main();
	// What failed in the run itself comes first; else a failed write to standard output, reported
	// before main ended or after it (when the last write failed).
	const finalExitCode = () => exitCode === exitCodes.ok ? standardOutput.failureExitCode ?? exitCode : exitCode;
	process.exitCode = finalExitCode();
	standardOutput.onFailure(() => {
		process.exitCode = finalExitCode();
	});
	process.once('exit', code => {
		if (code === exitCodes.ok && stoppedBy !== undefined) {
			// Without a listener the signal takes its default action: the process ends by it.
			process.removeAllListeners(stoppedBy);
			process.kill(process.pid, stoppedBy);
		}
	});
} catch (error) {
	process.stderr.write(`minewatch: internal error: ${(error as Error).message?.split('\n')[0] ?? String(error)}\n`);
	process.exitCode = exitCodes.internal;
}
