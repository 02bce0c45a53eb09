// Every way a run ends, end to end: end of file, --count, --duration, SIGINT, SIGTERM, SIGHUP, a
// crash inside the capture worker and the capture helper dying, headless and (in tmux) in the UI,
// including the terminal closing under it. Each time the exit status is the documented one, no
// process minewatch started outlives it, and the --alerts file holds every alert raised, whole lines.
import assert from 'node:assert/strict';
import type {ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer, connect, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import type {Alert} from '../source/model/messages.js';
import {captureHelperNames, type CaptureHelperName} from '../source/capture/live-capture.js';
import {childPidsOf, descendantPids, helperMissing, isRoot, processGone, skipLive, waitFor} from './capture/live-support.js';
import {fixturesDirectory} from './support/repository.js';
import {runCli, type CliRun} from './support/run-cli.js';
import {CliTerminal, tmuxAvailable} from './support/tmux-terminal.js';
import {freePort} from './support/free-port.js';

const demo = path.join(fixturesDirectory, 'demo.pcapng');
const dialects = path.join(fixturesDirectory, 'stratum-dialects.pcap');
const scratch = mkdtempSync(path.join(tmpdir(), 'minewatch-stopping-'));
let logCount = 0;

/**
 * Fault injection without a hook in minewatch: Node runs `--require` preloads in worker threads too,
 * and these make the capture worker throw, uncaught, right after it posted its first alert (first
 * posting `before`, e.g. an error of its own as a failing source does). Returns the environment to run with.
 */
function faultAfterFirstAlert(name: string, before = ''): Record<string, string> {
	const preload = path.join(scratch, `${name}.cjs`);
	writeFileSync(preload, `
const {isMainThread, parentPort} = require('node:worker_threads');
if (!isMainThread) {
	const post = parentPort.postMessage.bind(parentPort);
	parentPort.postMessage = message => {
		post(message);
		if (message.type !== 'alert') return;
		${before}
		setImmediate(() => { throw new Error('injected fault in the capture worker'); });
	};
}
`);
	return {NODE_OPTIONS: `--require=${preload}`};
}

const crashEnvironment = faultAfterFirstAlert('crash-capture-worker');
const errorThenCrashEnvironment = faultAfterFirstAlert('error-then-crash-capture-worker', "post({type: 'error', exitCode: 3, message: 'injected capture error'});");

function newAlertLog(): string {
	return path.join(scratch, `alerts-${++logCount}.ndjson`);
}

/** The --alerts file's records; fails unless it holds whole JSON lines only. */
function loggedAlerts(file: string): Alert[] {
	const text = readFileSync(file, 'utf8');
	if (text === '') return [];
	assert.ok(text.endsWith('\n'), 'the last line is whole');
	return text.slice(0, -1).split('\n').map(line => JSON.parse(line) as Alert);
}

/** Every alert record printed on standard output is in the file, in order, and nothing else is. */
function assertAllAlertsLogged(run: CliRun, file: string): void {
	const printed = run.messages.filter((message): message is Alert => message.type === 'alert');
	assert.ok(printed.length > 0, 'alerts were raised before the end');
	assert.deepEqual(loggedAlerts(file), printed);
}

function assertOneLineError(stderr: string, pattern: RegExp): void {
	assert.match(stderr, pattern);
	assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
	assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
}

/** Collects the CLI's descendants while it runs, to check afterwards that none is left. */
class ProcessWatch {
	readonly seen = new Set<number>();
	private timer: NodeJS.Timeout | undefined;

	watch(child: ChildProcess): void {
		this.timer = setInterval(() => {
			for (const pid of descendantPids(child.pid!)) this.seen.add(pid);
		}, 100);
		child.once('exit', () => clearInterval(this.timer));
	}

	async assertNoneLeft(): Promise<void> {
		const gone = await waitFor(() => [...this.seen].every(pid => processGone(pid)), 5000);
		assert.ok(gone, `processes left: ${[...this.seen].filter(pid => !processGone(pid)).join(', ')}`);
	}
}

interface HeadlessRun {
	arguments: string[];
	/** Runs once, at the first alert printed (given the CLI process). */
	atFirstAlert?: (child: ChildProcess) => void;
	environment?: Record<string, string>;
}

async function runHeadless(options: HeadlessRun): Promise<{run: CliRun; log: string; processes: ProcessWatch}> {
	const log = newAlertLog();
	const processes = new ProcessWatch();
	const run = await runCli([...options.arguments, '--json', '--alerts', log], {
		timeoutMs: 45_000,
		environment: {...process.env, ...options.environment},
		started(child) {
			processes.watch(child);
			let printed = '';
			let acted = false;
			child.stdout!.on('data', (chunk: Buffer) => {
				printed += chunk.toString('utf8');
				if (!acted && printed.includes('"type":"alert"')) {
					acted = true;
					options.atFirstAlert?.(child);
				}
			});
		},
	});
	return {run, log, processes};
}

describe('replay, headless', () => {
	test('end of file: exit 0, every alert in the --alerts file', async () => {
		const {run, log, processes} = await runHeadless({arguments: ['-r', dialects]});
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.end?.reason, 'end-of-file');
		assertAllAlertsLogged(run, log);
		await processes.assertNoneLeft();
	});

	test('--count: exit 0 at that many packets, every alert logged', async () => {
		const {run, log} = await runHeadless({arguments: ['-r', demo, '--count', '800']});
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.end?.reason, 'count');
		assert.equal(run.end?.packets, 800);
		assertAllAlertsLogged(run, log);
	});

	test('--duration: exit 0 when the wall time is up, every alert logged', async () => {
		const {run, log} = await runHeadless({arguments: ['-r', demo, '--speed', '20', '--duration', '1.5']});
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.end?.reason, 'duration');
		assertAllAlertsLogged(run, log);
	});

	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		test(`${signal}: the capture stops cleanly (end record, alerts logged), then minewatch ends by ${signal}`, async () => {
			const {run, log, processes} = await runHeadless({
				arguments: ['-r', demo, '--speed', '10', '--interval', '0.2'],
				atFirstAlert(child) {
					child.kill(signal);
				},
			});
			assert.equal(run.signal, signal, `exit code ${run.exitCode}: ${run.stderr}`);
			assert.equal(run.stderr, '');
			assert.equal(run.end?.reason, 'stopped');
			assert.equal(run.messages.at(-1)?.type, 'end', 'the end record is the last line');
			assertAllAlertsLogged(run, log);
			await processes.assertNoneLeft();
		});
	}

	test('a worker that reports an error and then crashes: the error\'s exit code and its one line, not the crash\'s', async () => {
		const {run, processes} = await runHeadless({arguments: ['-r', demo, '--speed', '20'], environment: errorThenCrashEnvironment});
		assert.equal(run.exitCode, 3, run.stderr);
		assertOneLineError(run.stderr, /^minewatch: injected capture error$/m);
		assert.equal(run.messages.filter((message) => message.type === 'error').length, 1, 'one error record');
		await processes.assertNoneLeft();
	});

	test('a crash inside the capture worker: exit 1, one line, the alerts raised before it logged', async () => {
		const {run, log, processes} = await runHeadless({arguments: ['-r', demo, '--speed', '20'], environment: crashEnvironment});
		assert.equal(run.exitCode, 1);
		assertOneLineError(run.stderr, /^minewatch: capture worker failed: injected fault in the capture worker$/m);
		assert.equal(run.messages.at(-1)?.type, 'error');
		assertAllAlertsLogged(run, log);
		await processes.assertNoneLeft();
	});
});

/**
 * A miner's Stratum subscribe to a pool on loopback that never answers: the one-sided exchange is
 * raised once its 2 s grace passes (the live clock moves on a quiet link), while the capture runs.
 */
class StalledMiner {
	private pool: Server | undefined;
	private miner: Socket | undefined;

	static async listen(): Promise<{miner: StalledMiner; port: number}> {
		const miner = new StalledMiner();
		const port = await freePort();
		miner.pool = createServer(() => {});
		miner.pool.listen(port, '127.0.0.1');
		await once(miner.pool, 'listening');
		return {miner, port};
	}

	subscribe(port: number): void {
		this.miner ??= connect(port, '127.0.0.1', () => {
			this.miner!.write('{"id":1,"method":"mining.subscribe","params":["stopping-test/1.0"]}\n');
		});
	}

	close(): void {
		this.miner?.destroy();
		this.pool?.close();
	}
}

function liveSkipped(t: TestContext, helper: CaptureHelperName): boolean {
	return skipLive(t, isRoot() ? helperMissing(helper) : 'not root');
}

interface LiveRun {
	helper: CaptureHelperName;
	extraArguments?: string[];
	atFirstAlert?: (child: ChildProcess) => void;
	environment?: Record<string, string>;
}

async function runLive(t: TestContext, options: LiveRun): Promise<Awaited<ReturnType<typeof runHeadless>>> {
	const {miner, port} = await StalledMiner.listen();
	t.after(() => miner.close());
	const log = newAlertLog();
	const processes = new ProcessWatch();
	const run = await runCli(['-i', 'lo', '-f', `tcp port ${port}`, '--capture', options.helper, '--interval', '0.2', ...options.extraArguments ?? [], '--json', '--alerts', log], {
		timeoutMs: 45_000,
		environment: {...process.env, ...options.environment},
		started(child) {
			processes.watch(child);
			let printed = '';
			let acted = false;
			child.stdout!.on('data', (chunk: Buffer) => {
				// The first summary says the helper is capturing.
				miner.subscribe(port);
				printed += chunk.toString('utf8');
				if (!acted && printed.includes('"type":"alert"')) {
					acted = true;
					options.atFirstAlert?.(child);
				}
			});
		},
	});
	assert.ok(processes.seen.size > 0, 'the capture helper was seen running');
	return {run, log, processes};
}

describe('live capture on loopback', () => {
	test('--duration: exit 0, the alert raised while capturing is logged, the helper is gone', {timeout: 60_000}, async t => {
		if (liveSkipped(t, 'pcap')) return;
		const {run, log, processes} = await runLive(t, {helper: 'pcap', extraArguments: ['--duration', '4']});
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.end?.reason, 'duration');
		assertAllAlertsLogged(run, log);
		await processes.assertNoneLeft();
	});

	test('--count: exit 0, the helper is gone', {timeout: 60_000}, async t => {
		if (liveSkipped(t, 'tcpdump')) return;
		const {run, processes} = await runLive(t, {helper: 'tcpdump', extraArguments: ['--count', '2']});
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.end?.reason, 'count');
		await processes.assertNoneLeft();
	});

	for (const helper of captureHelperNames) {
		test(`--capture ${helper}: SIGTERM stops the capture, minewatch ends by SIGTERM, the helper is gone`, {timeout: 60_000}, async t => {
			if (liveSkipped(t, helper)) return;
			const {run, log, processes} = await runLive(t, {
				helper,
				atFirstAlert(child) {
					child.kill('SIGTERM');
				},
			});
			assert.equal(run.signal, 'SIGTERM', `exit code ${run.exitCode}: ${run.stderr}`);
			assert.equal(run.end?.reason, 'stopped');
			assertAllAlertsLogged(run, log);
			await processes.assertNoneLeft();
		});

		test(`--capture ${helper}: the helper killed under minewatch → exit 3, one line, alerts kept, nothing left`, {timeout: 60_000}, async t => {
			if (liveSkipped(t, helper)) return;
			let helperPid: number | undefined;
			const {run, log, processes} = await runLive(t, {
				helper,
				atFirstAlert(child) {
					// The helper itself is the CLI's only child: the pcap child, or tcpdump/dumpcap (whose
					// parent watcher is the helper's own child).
					helperPid = [...childPidsOf(child.pid!)][0];
					process.kill(helperPid!, 'SIGKILL');
				},
			});
			assert.ok(helperPid !== undefined);
			assert.equal(run.exitCode, 3, run.stderr);
			assertOneLineError(run.stderr, new RegExp(`^minewatch: capture helper ${helper} on lo ended before minewatch stopped it \\(killed by SIGKILL\\)$`, 'm'));
			assert.equal(run.end?.reason, 'error');
			assertAllAlertsLogged(run, log);
			await processes.assertNoneLeft();
		});
	}

	for (const helper of captureHelperNames) {
		test(`--capture ${helper}: a crash inside the capture worker → exit 1, alerts kept, the helper is gone`, {timeout: 60_000}, async t => {
			if (liveSkipped(t, helper)) return;
			const {run, log, processes} = await runLive(t, {helper, environment: crashEnvironment});
			assert.equal(run.exitCode, 1, run.stderr);
			assertOneLineError(run.stderr, /^minewatch: capture worker failed: injected fault in the capture worker$/m);
			assertAllAlertsLogged(run, log);
			await processes.assertNoneLeft();
		});
	}
});

const tmuxSkip = tmuxAvailable ? false : 'tmux is not installed';
/** The demo's first alert: XMRig logging in, 4 s into the capture. */
const alertOnScreen = /192\.168\.10\.23 → .*mining/;

function distinctAlertsInSummary(screen: string): number {
	const count = /(\d+) distinct alerts? in all/.exec(screen)?.[1];
	assert.ok(count !== undefined, `closing summary:\n${screen}`);
	return Number(count);
}

/** The file holds at least the alerts the UI counted: those raised while the worker stopped come after. */
function assertShownAlertsLogged(file: string, closingScreen: string): void {
	const shown = distinctAlertsInSummary(closingScreen);
	assert.ok(shown > 0, 'alerts were shown');
	assert.ok(new Set(loggedAlerts(file).map(alert => alert.id)).size >= shown, 'every alert shown is logged');
}

/** Runs the UI on the demo with an alert log, and waits for the first alert on screen. */
async function uiWithAlert(extraArguments: string[] = [], environment?: Record<string, string>): Promise<{terminal: CliTerminal; log: string}> {
	const log = newAlertLog();
	const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-r', demo, '--speed', '10', '--alerts', log, ...extraArguments], environment});
	await terminal.waitForScreen(screen => alertOnScreen.test(screen), 20_000, 'the first alert on screen');
	return {terminal, log};
}

function assertTerminalRestored(terminal: CliTerminal): void {
	assert.ok(!terminal.isOnAlternateScreen(), 'back on the main screen');
	assert.ok(terminal.isCursorVisible(), 'the cursor is visible again');
}

describe('the interactive UI in a real terminal', {skip: tmuxSkip}, () => {
	for (const key of ['q', 'C-c']) {
		test(`${key} (in raw mode Ctrl+C is a key, like q): exit 0, terminal restored, every alert shown is logged`, {timeout: 60_000}, async () => {
			const {terminal, log} = await uiWithAlert();
			try {
				const closing = await terminal.quitWith(key, 10_000);
				assertShownAlertsLogged(log, closing);
			} finally {
				terminal.close();
			}
		});
	}

	for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
		test(`${signal} to the UI: terminal restored, closing summary printed, exit status ${status}`, {timeout: 60_000}, async () => {
			const {terminal, log} = await uiWithAlert();
			try {
				process.kill(terminal.cliPid()!, signal);
				assert.equal(await terminal.waitForExit(10_000), status);
				assertTerminalRestored(terminal);
				assertShownAlertsLogged(log, terminal.screen());
			} finally {
				terminal.close();
			}
		});
	}

	test('the terminal closing under the UI (tmux kill-session): exit status 129, nothing left, alerts logged', {timeout: 60_000}, async () => {
		const {terminal, log} = await uiWithAlert();
		await assertHangUpHandled(terminal, log);
	});

	test('the terminal closing under the wall: the same', {timeout: 60_000}, async () => {
		const log = newAlertLog();
		const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-r', demo, '--wall', '--speed', '10', '--alerts', log]});
		assert.ok(await waitFor(() => existsSync(log) && loggedAlerts(log).length > 0, 20_000), 'an alert was raised');
		await assertHangUpHandled(terminal, log);
	});

	for (const output of ['ui', 'wall'] as const) {
		test(`the terminal closed under a FINISHED replay (${output}), its SIGHUP kept by the shell: minewatch ends 129`, {timeout: 60_000}, async () => {
			const log = path.join(scratch, `finished-hangup-${output}.ndjson`);
			const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-r', demo, '--speed', 'max', '--alerts', log, ...(output === 'wall' ? ['--wall'] : [])]});
			await terminal.waitForScreen(screen => /FINISHED/.test(screen), 20_000, 'the replay finished');
			await assertHangUpHandled(terminal, log);
		});
	}

	test('the capture helper killed under the UI: exit 3, terminal restored, the error on the main screen', {timeout: 60_000}, async t => {
		if (liveSkipped(t, 'tcpdump')) return;
		const {miner, port} = await StalledMiner.listen();
		t.after(() => miner.close());
		const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-i', 'lo', '-f', `tcp port ${port}`, '--capture', 'tcpdump']});
		try {
			await terminal.waitForScreen(screen => /minewatch +live lo/.test(screen), 20_000, 'the monitor on lo');
			const cli = terminal.cliPid()!;
			const processes = descendantPids(cli);
			process.kill([...childPidsOf(cli)][0]!, 'SIGKILL');
			assert.equal(await terminal.waitForExit(10_000), 3);
			assertTerminalRestored(terminal);
			assert.match(terminal.screen(), /capture helper tcpdump on lo ended before minewatch stopped it \(killed by SIGKILL\)/);
			assert.ok(await waitFor(() => [...processes].every(pid => processGone(pid)), 5000), 'nothing left');
		} finally {
			terminal.close();
		}
	});

	async function assertHangUpHandled(terminal: CliTerminal, log: string): Promise<void> {
		try {
			const cli = terminal.cliPid();
			assert.ok(cli !== undefined, 'the CLI runs in the terminal');
			const processes = descendantPids(cli);
			terminal.hangUp();
			assert.equal(await terminal.waitForExit(10_000), 129);
			assert.ok(await waitFor(() => processGone(cli) && [...processes].every(pid => processGone(pid)), 5000), 'the CLI and its children are gone');
			assert.ok(loggedAlerts(log).length > 0, 'the alerts shown are logged, whole lines');
		} finally {
			terminal.close();
		}
	}

	test('a crash inside the capture worker: exit 1, terminal restored, the error on the main screen', {timeout: 60_000}, async () => {
		const log = newAlertLog();
		const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-r', demo, '--speed', '10', '--alerts', log], environment: crashEnvironment});
		try {
			assert.equal(await terminal.waitForExit(20_000), 1);
			assertTerminalRestored(terminal);
			const screen = terminal.screen();
			assert.match(screen, /capture worker failed: injected fault in the capture worker/);
			assertShownAlertsLogged(log, screen);
		} finally {
			terminal.close();
		}
	});
});
