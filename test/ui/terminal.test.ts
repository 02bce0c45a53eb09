// End to end in a real terminal: the built CLI replays a capture with miners inside tmux.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

function repositoryRoot(): string {
	let directory = path.dirname(fileURLToPath(import.meta.url));
	while (!existsSync(path.join(directory, 'package.json'))) {
		const parent = path.dirname(directory);
		if (parent === directory) {
			throw new Error('no package.json above the test');
		}

		directory = parent;
	}

	return directory;
}

const root = repositoryRoot();
const capture = path.join(root, '..', 'shared', 'captures', 'positive', 'mining.pcapng');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `minewatch-test-${process.pid}`;
// The miners in mining.pcapng (see ../shared/captures/LABELS.md).
const miners = /147\.229\.13\.222|192\.168\.2\.148|192\.168\.2\.92/;
const minerAlert = /(?:147\.229\.13\.222|192\.168\.2\.148|192\.168\.2\.92) → [\d.]+:\d+.* mining/;
const sparklineLine = /^(?:Bitcoin P2P|Stratum|Stratum V2|getwork|Monero P2P|pool DNS|pool TLS|other) +.*[▁▂▃▄▅▆▇█]/m;

function tmux(...arguments_: string[]): string {
	const result = spawnSync('tmux', ['-L', socket, ...arguments_], {encoding: 'utf8', timeout: 5000});
	return result.stdout ?? '';
}

function shellQuote(text: string): string {
	return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}

async function poll(predicate: () => boolean, timeoutMilliseconds: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMilliseconds;
	while (Date.now() < deadline) {
		if (predicate()) {
			return true;
		}

		await new Promise(resolve => setTimeout(resolve, 250));
	}

	return predicate();
}

const skip = !existsSync(capture) ? 'the shared captures (../shared) are not here' : (hasTmux ? false : 'tmux is not installed');

test('the monitor shows a miner, its alert and a sparkline in a real terminal, and q restores it', {skip, timeout: 60_000}, async () => {
	const scratch = mkdtempSync(path.join(tmpdir(), 'minewatch-terminal-'));
	const exitFile = path.join(scratch, 'exit');
	const command = `cd ${shellQuote(root)} && node dist/source/cli.js -r ${shellQuote(capture)} --speed 20; echo EXIT=$? > ${shellQuote(exitFile)}; sleep 60`;
	try {
		const started = spawnSync('tmux', ['-L', socket, 'new-session', '-d', '-x', '160', '-y', '50', command], {encoding: 'utf8'});
		assert.equal(started.status, 0, started.stderr);
		let screen = '';
		const shown = await poll(() => {
			screen = tmux('capture-pane', '-p');
			return miners.test(screen) && minerAlert.test(screen) && sparklineLine.test(screen);
		}, 20_000);
		assert.ok(shown, `miner, alert and sparkline on screen:\n${screen}`);
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '1', 'on the alternate screen while running');
		const rows = screen.replace(/\n$/, '').split('\n');
		assert.equal(rows.length, 50);
		assert.equal(rows[49]?.trim(), '', 'the last row stays free: frames are at most rows - 1 tall');

		tmux('send-keys', 'q');
		const exited = await poll(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').includes('EXIT='), 10_000);
		screen = tmux('capture-pane', '-p');
		assert.ok(exited, `the monitor quit:\n${screen}`);
		assert.equal(readFileSync(exitFile, 'utf8').trim(), 'EXIT=0');
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '0', 'back on the main screen');
		assert.match(screen, /minewatch watched \S*mining\.pcapng/, 'the closing summary is printed on the main screen');
		assert.match(tmux('display', '-p', '#{cursor_flag}').trim(), /^1$/, 'the cursor is visible again');
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
		rmSync(scratch, {recursive: true, force: true});
	}
});
