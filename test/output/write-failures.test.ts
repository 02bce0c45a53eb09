// Outputs that cannot be written, with the built CLI on the demo capture: standard output or the
// --alerts file on a full disk (/dev/full), closed by its reader, in a missing directory or one the
// user may not write. Each says so in one line and exits with the documented code; what could still
// be written keeps every alert as whole lines.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import type {Alert} from '../../source/model/messages.js';
import {cliPath, fixturesDirectory, repositoryRoot} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';
import {scratchDirectory} from '../support/scratch.js';
import {CliTerminal, tmuxAvailable} from '../support/tmux-terminal.js';

const demo = path.join(fixturesDirectory, 'demo.pcapng');
const scratch = scratchDirectory('write-failures');
const outputLost = 4;
const closedPipe = 141;

interface Finished {
	exitCode: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the CLI with standard output going where `stdout` says, and collects what it printed. */
async function runWithStdout(arguments_: string[], stdout: number | 'pipe', command: string[] = [process.execPath]): Promise<Finished> {
	const child = spawn(command[0]!, [...command.slice(1), cliPath, ...arguments_], {cwd: repositoryRoot, stdio: ['ignore', stdout, 'pipe']});
	const stderr: Buffer[] = [];
	const out: Buffer[] = [];
	child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
	child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
	const [exitCode] = await once(child, 'close') as [number | null];
	return {exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8')};
}

async function withStdoutTo(file: string, arguments_: string[]): Promise<Finished> {
	const descriptor = openSync(file, 'w');
	try {
		return await runWithStdout(arguments_, descriptor);
	} finally {
		closeSync(descriptor);
	}
}

function assertOneLine(stderr: string, expected: string): void {
	assert.equal(stderr, `minewatch: ${expected}\n`);
}

/** Every line of the alert log is a whole alert; returns them. */
function wholeAlertLines(file: string): Alert[] {
	const text = readFileSync(file, 'utf8');
	assert.ok(text === '' || text.endsWith('\n'), 'the log ends with a whole line');
	return text.split('\n').filter(line => line !== '').map(line => {
		const alert = JSON.parse(line) as Alert;
		assert.equal(alert.type, 'alert');
		return alert;
	});
}

describe('standard output', () => {
	test('on a full disk: one line, exit 4', async () => {
		const run = await withStdoutTo('/dev/full', ['-r', demo, '--json']);
		assert.equal(run.exitCode, outputLost);
		assertOneLine(run.stderr, 'cannot write standard output: no space left on device (ENOSPC)');
	});

	for (const arguments_ of [['--help'], ['--version'], ['--list-interfaces']]) {
		test(`${arguments_.join(' ')} on a full disk: one line, exit 4`, async () => {
			const run = await withStdoutTo('/dev/full', arguments_);
			assert.equal(run.exitCode, outputLost);
			assertOneLine(run.stderr, 'cannot write standard output: no space left on device (ENOSPC)');
		});
	}

	test('on a full disk: the --alerts file still gets whole lines', async () => {
		const log = path.join(scratch, 'stdout-full.ndjson');
		const run = await withStdoutTo('/dev/full', ['-r', demo, '--json', '--alerts', log]);
		assert.equal(run.exitCode, outputLost);
		assertOneLine(run.stderr, 'cannot write standard output: no space left on device (ENOSPC)');
		wholeAlertLines(log);
	});

	test('closed by its reader (| head -1): quiet, exit 141, the --alerts file in whole lines', async () => {
		const log = path.join(scratch, 'closed-pipe.ndjson');
		// At the recorded pace the replay lasts minutes, so there is always a write after the close.
		const child = spawn(process.execPath, [cliPath, '-r', demo, '--json', '--speed', '1', '--interval', '0.1', '--alerts', log], {cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe']});
		const stderr: Buffer[] = [];
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		let firstLine = '';
		for await (const chunk of child.stdout) {
			firstLine += String(chunk);
			if (firstLine.includes('\n')) {
				break;
			}
		}

		child.stdout.destroy();
		const [exitCode] = await once(child, 'close') as [number | null];
		assert.equal(exitCode, closedPipe);
		assert.equal(Buffer.concat(stderr).toString('utf8'), '');
		assert.equal((JSON.parse(firstLine.split('\n')[0]!) as {type: string}).type, 'summary');
		wholeAlertLines(log);
	});
});

describe('the --alerts file', () => {
	test('on a full disk: one line naming it, exit 4, and standard output keeps every alert, the error and the end', async () => {
		const complete = await runCli(['-r', demo, '--json']);
		const run = await runCli(['-r', demo, '--json', '--alerts', '/dev/full']);
		assert.equal(run.exitCode, outputLost);
		assertOneLine(run.stderr, 'cannot write --alerts file /dev/full: no space left on device (ENOSPC)');
		const types = run.messages.map(message => message.type);
		const firstAlert = types.indexOf('alert');
		assert.ok(firstAlert >= 0, 'the alert that could not be logged is on standard output');
		assert.equal(types[firstAlert + 1], 'error', 'the error follows the alert that could not be logged');
		assert.deepEqual(run.messages[firstAlert + 1], {type: 'error', exitCode: outputLost, message: 'cannot write --alerts file /dev/full: no space left on device (ENOSPC)'});
		assert.equal(run.end?.reason, 'stopped');
		const completeIds = new Set(complete.alerts.map(alert => alert.id));
		assert.ok(run.alerts.every(alert => completeIds.has(alert.id)));
	});

	test('in a missing directory: one line naming it, exit 4, nothing started', async () => {
		const log = path.join(scratch, 'no-such-directory', 'alerts.ndjson');
		const run = await runCli(['-r', demo, '--json', '--alerts', log]);
		assert.equal(run.exitCode, outputLost);
		assertOneLine(run.stderr, `cannot open --alerts file ${log}: no such directory (ENOENT)`);
		assert.equal(run.stdout, '');
	});

	// Root may write anywhere, so as root the CLI runs as nobody (uid and gid 65534, no groups).
	const isRoot = process.getuid?.() === 0;
	const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath];
	const nobodyCannotRun = isRoot && spawnSync(asNobody[0]!, [...asNobody.slice(1), '-e', `require('node:fs').accessSync(${JSON.stringify(cliPath)})`]).status !== 0;
	test('in a directory the user may not write: one line naming it, exit 4', {skip: nobodyCannotRun ? 'runs as root, and user nobody (via setpriv) cannot read the built CLI' : false}, async () => {
		const readOnly = path.join(scratch, 'read-only');
		mkdirSync(readOnly, {mode: 0o555});
		chmodSync(readOnly, 0o555);
		const log = path.join(readOnly, 'alerts.ndjson');
		const run = await runWithStdout(['-r', demo, '--json', '--alerts', log], 'pipe', isRoot ? asNobody : [process.execPath]);
		assert.equal(run.exitCode, outputLost);
		assertOneLine(run.stderr, `cannot open --alerts file ${log}: permission denied (EACCES)`);
		assert.equal(run.stdout, '');
		assert.ok(!existsSync(log));
	});

	test('on a full disk under the interactive UI: the terminal is restored, then the line, exit 4', {skip: tmuxAvailable ? false : 'tmux is not installed', timeout: 60_000}, async () => {
		const terminal = CliTerminal.start({columns: 120, rows: 40, arguments: ['-r', demo, '--speed', 'max', '--alerts', '/dev/full']});
		try {
			assert.equal(await terminal.waitForExit(20_000), outputLost, terminal.screen());
			assert.ok(!terminal.isOnAlternateScreen(), 'back on the main screen');
			assert.ok(terminal.isCursorVisible(), 'the cursor is visible again');
			assert.match(terminal.screen(), /^minewatch: cannot write --alerts file \/dev\/full: no space left on device \(ENOSPC\)$/m);
		} finally {
			terminal.close();
		}
	});
});
