// Started as root, minewatch keeps capture rights in its helper only: once the source is open the
// main process, every thread of it (the capture worker's included), switches to the unprivileged
// user, the helper too where it can, and capture goes on (a Stratum exchange sent on lo is raised).
import assert from 'node:assert/strict';
import type {ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {createServer, connect, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {captureHelperNames, type CaptureHelperName} from '../source/capture/live-capture.js';
import {UsageError} from '../source/options.js';
import {unprivilegedUser} from '../source/privilege.js';
import {childPidsOf, helperMissing, isRoot, skipLive} from './capture/live-support.js';
import {fixturesDirectory} from './support/repository.js';
import {runCli, type CliRun} from './support/run-cli.js';
import {CliTerminal, tmuxAvailable} from './support/tmux-terminal.js';
import {freePort} from './support/free-port.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'minewatch-privilege-'));
const dialects = path.join(fixturesDirectory, 'stratum-dialects.pcap');
/** nobody, as on Debian and most Linux systems. */
const nobody = {uid: 65_534, gid: 65_534};
const nobodyName = readFileSync('/etc/passwd', 'utf8').split('\n').find(line => line.split(':')[2] === String(nobody.uid))?.split(':')[0];

interface Credentials {
	/** real, effective, saved, filesystem */
	uid: number[];
	gid: number[];
	groups: number[];
}

function credentials(statusPath: string): Credentials {
	const status = readFileSync(statusPath, 'utf8');
	const field = (name: string): number[] => (new RegExp(`^${name}:(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
	return {uid: field('Uid'), gid: field('Gid'), groups: field('Groups')};
}

/** Every thread of the process: the main thread, the capture worker, libuv's pool. */
function threadCredentials(pid: number): Credentials[] {
	return readdirSync(`/proc/${pid}/task`).map(thread => credentials(`/proc/${pid}/task/${thread}/status`));
}

function assertRunsAs(found: Credentials, user: {uid: number; gid: number}, what: string): void {
	assert.deepEqual(found, {uid: Array(4).fill(user.uid), gid: Array(4).fill(user.gid), groups: []}, what);
}

describe('who to switch to', () => {
	test('under sudo: the invoking user, named from /etc/passwd; sudo from root: nobody to switch to', {skip: isRoot() ? false : 'not root'}, () => {
		assert.deepEqual(unprivilegedUser(undefined, {SUDO_UID: '65534', SUDO_GID: '65534'}), {...nobody, name: nobodyName});
		assert.equal(unprivilegedUser(undefined, {SUDO_UID: '0', SUDO_GID: '0'}), undefined);
		assert.equal(unprivilegedUser(undefined, {}), undefined, 'root without sudo or --user stays root');
	});

	test('--user NAME or UID: that account from /etc/passwd, before sudo\'s user; an unknown one is a usage error', {skip: isRoot() ? false : 'not root'}, () => {
		assert.deepEqual(unprivilegedUser(nobodyName, {SUDO_UID: '1000', SUDO_GID: '1000'}), {...nobody, name: nobodyName});
		assert.deepEqual(unprivilegedUser('65534', {}), {...nobody, name: nobodyName});
		assert.throws(() => unprivilegedUser('no-such-user-here', {}), (error: Error) => error instanceof UsageError && /no such user/.test(error.message));
	});

	test('--user when not root: a usage error, exit 64, one line', {skip: isRoot() ? false : 'not root'}, async () => {
		const run = await runCli(['-r', dialects, '--json', '--user', 'nobody'], {user: nobody});
		assert.equal(run.exitCode, 64);
		assert.match(run.stderr, /^minewatch: --user needs minewatch started as root/);
	});

	test('replay needs no privilege: run as nobody it reads the file and raises its alerts, exit 0', {skip: isRoot() ? false : 'not root'}, async () => {
		const run = await runCli(['-r', dialects, '--json'], {user: nobody});
		assert.equal(run.exitCode, 0, run.stderr);
		assert.ok(run.alerts.length > 0);
	});
});

interface Observed {
	run: CliRun;
	/** Credentials of every thread of minewatch once it printed its first summary. */
	threads: Credentials[];
	/** The helper's, at the same moment; undefined for replay. */
	helper: Credentials | undefined;
	/** Whether an alert was printed after the switch: the pipeline still works. */
	alertAfterSwitch: boolean;
}

/** Runs minewatch as root with `environment`, reads who its threads and helper run as, then stops it with SIGTERM at its first alert. */
async function observe(arguments_: string[], environment: Record<string, string>, afterStart?: () => void): Promise<Observed> {
	let threads: Credentials[] = [];
	let helper: Credentials | undefined;
	let alertAfterSwitch = false;
	const run = await runCli([...arguments_, '--json', '--alerts', path.join(scratch, `alerts-${Date.now()}.ndjson`)], {
		timeoutMs: 45_000,
		environment: {...process.env, SUDO_UID: '', SUDO_GID: '', SUDO_USER: '', ...environment},
		started(child: ChildProcess) {
			let printed = '';
			child.stdout!.on('data', (chunk: Buffer) => {
				printed += chunk.toString('utf8');
				if (threads.length === 0) {
					threads = threadCredentials(child.pid!);
					const helperPid = [...childPidsOf(child.pid!)][0];
					helper = helperPid === undefined ? undefined : credentials(`/proc/${helperPid}/status`);
					afterStart?.();
				}

				if (!alertAfterSwitch && printed.includes('"type":"alert"')) {
					alertAfterSwitch = true;
					child.kill('SIGTERM');
				}
			});
		},
	});
	return {run, threads, helper, alertAfterSwitch};
}

/** A miner's subscribe to a pool on lo that never answers: raised once its grace passes on the live clock. */
async function stalledPool(t: TestContext): Promise<{port: number; subscribe: () => void}> {
	const port = await freePort();
	const pool = createServer(() => {});
	pool.listen(port, '127.0.0.1');
	await once(pool, 'listening');
	let miner: Socket | undefined;
	t.after(() => {
		miner?.destroy();
		pool.close();
	});
	return {
		port,
		subscribe() {
			miner ??= connect(port, '127.0.0.1', () => {
				miner!.write('{"id":1,"method":"mining.subscribe","params":["privilege-test/1.0"]}\n');
			});
		},
	};
}

/** What each helper runs as under a switch: dumpcap cannot switch by itself, so it stays root until it ends. */
const helperUser: Record<CaptureHelperName, {uid: number; gid: number}> = {pcap: nobody, tcpdump: nobody, dumpcap: {uid: 0, gid: 0}};

describe('live capture started as root', () => {
	for (const helper of captureHelperNames) {
		test(`--capture ${helper} under sudo (SUDO_UID=65534): every thread of minewatch runs as the user, and capture goes on`, {timeout: 60_000}, async t => {
			if (skipLive(t, isRoot() ? helperMissing(helper) : 'not root')) return;
			const pool = await stalledPool(t);
			const observed = await observe(['-i', 'lo', '-f', `tcp port ${pool.port}`, '--capture', helper, '--interval', '0.2'], {SUDO_UID: '65534', SUDO_GID: '65534'}, pool.subscribe);
			assert.ok(observed.threads.length > 1, 'the capture worker is a thread of the process');
			for (const thread of observed.threads) assertRunsAs(thread, nobody, 'a minewatch thread');
			const helperExpected = helperUser[helper];
			assert.deepEqual(observed.helper?.uid, Array(4).fill(helperExpected.uid), `${helper} runs as uid ${helperExpected.uid}`);
			if (helper === 'pcap') assertRunsAs(observed.helper, nobody, 'the pcap child, switched the same way');
			assert.ok(observed.alertAfterSwitch, 'the Stratum exchange sent on lo was raised after the switch');
			assert.equal(observed.run.signal, 'SIGTERM', observed.run.stderr);
			assert.equal(observed.run.end?.reason, 'stopped');
		});
	}

	test('--user nobody without sudo does the same', {timeout: 60_000}, async t => {
		if (skipLive(t, isRoot() ? helperMissing('tcpdump') : 'not root')) return;
		const pool = await stalledPool(t);
		const observed = await observe(['-i', 'lo', '-f', `tcp port ${pool.port}`, '--capture', 'tcpdump', '--interval', '0.2', '--user', 'nobody'], {}, pool.subscribe);
		for (const thread of observed.threads) assertRunsAs(thread, nobody, 'a minewatch thread');
		assert.deepEqual(observed.helper?.uid, Array(4).fill(nobody.uid), 'tcpdump -Z nobody');
		assert.ok(observed.alertAfterSwitch);
	});
});

test('the UI started by sudo runs as the user too (what it loads after the switch is readable), and q ends it with 0', {skip: isRoot() ? (tmuxAvailable ? false : 'tmux is not installed') : 'not root', timeout: 60_000}, async () => {
	const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-r', path.join(fixturesDirectory, 'demo.pcapng'), '--speed', '10'], environment: {SUDO_UID: '65534', SUDO_GID: '65534'}});
	try {
		await terminal.waitForScreen(screen => /192\.168\.10\.23 → .*mining/.test(screen), 20_000, 'the first alert on screen');
		for (const thread of threadCredentials(terminal.cliPid()!)) assertRunsAs(thread, nobody, 'a minewatch thread');
		await terminal.quitWith('q', 10_000);
	} finally {
		terminal.close();
	}
});

test('replay started by sudo switches too, before reading a packet: it needs no privilege', {skip: isRoot() ? false : 'not root'}, async () => {
	const observed = await observe(['-r', path.join(fixturesDirectory, 'demo.pcapng'), '--speed', '10'], {SUDO_UID: '65534', SUDO_GID: '65534'});
	for (const thread of observed.threads) assertRunsAs(thread, nobody, 'a minewatch thread');
	assert.ok(observed.alertAfterSwitch);
	assert.equal(observed.run.signal, 'SIGTERM', observed.run.stderr);
});

test('under sudo the --alerts file it creates belongs to the user, as tcpdump -Z leaves its files; one that existed keeps its owner', {skip: isRoot() ? false : 'not root'}, async () => {
	const created = path.join(scratch, 'alerts-created.ndjson');
	const existing = path.join(scratch, 'alerts-existing.ndjson');
	writeFileSync(existing, '');
	const environment = {...process.env, SUDO_UID: '65534', SUDO_GID: '65534', SUDO_USER: ''};
	for (const file of [created, existing]) {
		const run = await runCli(['-r', path.join(fixturesDirectory, 'demo.pcapng'), '--json', '--alerts', file], {timeoutMs: 45_000, environment});
		assert.equal(run.exitCode, 0, run.stderr);
		assert.ok(readFileSync(file, 'utf8').includes('"type":"alert"'), 'alerts were written after the switch');
	}

	assert.deepEqual([statSync(created).uid, statSync(created).gid], [65534, 65534]);
	assert.deepEqual([statSync(existing).uid, statSync(existing).gid], [0, 0]);
});
