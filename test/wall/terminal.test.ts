// End to end in a real terminal: the built CLI replays the demo capture on the wall inside tmux,
// with CI=true as in CI, and q gives the terminal back with the closing summary.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fixturesDirectory, repositoryRoot} from '../support/repository.js';

const capture = path.join(fixturesDirectory, 'demo.pcapng');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `minewatch-wall-test-${process.pid}`;
// The XMRig workstation in the demo (README, "What the demo shows").
const miner = /192\.168\.10\.23/;
const minerAlert = /\d\d:\d\d:\d\d \S+ HIGH 192\.168\.10\.23 → [\d.]+:10128 .*mining Stratum/;

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

test('the wall shows the miner, its alert and the counters in a real terminal, stays up FINISHED, and q restores it', {skip: hasTmux ? false : 'tmux is not installed', timeout: 60_000}, async () => {
	const scratch = mkdtempSync(path.join(tmpdir(), 'minewatch-wall-'));
	const exitFile = path.join(scratch, 'exit');
	const command = `cd ${shellQuote(repositoryRoot)} && CI=true node dist/source/cli.js -r ${shellQuote(capture)} --wall --speed 50; echo EXIT=$? > ${shellQuote(exitFile)}; sleep 60`;
	try {
		const started = spawnSync('tmux', ['-L', socket, 'new-session', '-d', '-x', '160', '-y', '45', command], {encoding: 'utf8'});
		assert.equal(started.status, 0, started.stderr);
		let screen = '';
		const shown = await poll(() => {
			screen = tmux('capture-pane', '-p');
			return miner.test(screen) && minerAlert.test(screen) && /HIGH open/.test(screen) && /Alerts by detection/.test(screen);
		}, 20_000);
		assert.ok(shown, `miner, alert and counters on screen:\n${screen}`);
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '1', 'on the alternate screen while running');
		assert.match(screen.split('\n')[0] ?? '', /MINEWATCH .*demo\.pcapng/, 'the header names the capture');

		// The demo is four and a half minutes of capture time: about six seconds at 50×.
		const finished = await poll(() => {
			screen = tmux('capture-pane', '-p');
			return / FINISHED /.test(screen);
		}, 20_000);
		assert.ok(finished, `marked FINISHED at the end of the replay:\n${screen}`);
		assert.ok(!existsSync(exitFile), 'the wall stays up after the end of the capture');

		tmux('send-keys', 'q');
		const exited = await poll(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').includes('EXIT='), 10_000);
		screen = tmux('capture-pane', '-p');
		assert.ok(exited, `the wall quit:\n${screen}`);
		assert.equal(readFileSync(exitFile, 'utf8').trim(), 'EXIT=0');
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '0', 'back on the main screen');
		assert.match(screen, /minewatch watched \S*demo\.pcapng for .*read to the end/, 'the closing summary is printed on the main screen');
		assert.match(screen, /Top alerts:\n.*HIGH/);
		assert.match(tmux('display', '-p', '#{cursor_flag}').trim(), /^1$/, 'the cursor is visible again');
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
		rmSync(scratch, {recursive: true, force: true});
	}
});
