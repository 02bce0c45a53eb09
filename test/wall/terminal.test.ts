// End to end in a real terminal: the built CLI replays the demo capture on the wall inside tmux,
// with CI=true as in CI, and q gives the terminal back with the closing summary.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {fixturesDirectory} from '../support/repository.js';
import {CliTerminal, tmuxAvailable} from '../support/tmux-terminal.js';

const capture = path.join(fixturesDirectory, 'demo.pcapng');
// The XMRig workstation in the demo (README, "What the demo shows").
const miner = /192\.168\.10\.23/;
const minerAlert = /\d\d:\d\d:\d\d \S+ HIGH 192\.168\.10\.23 → [\d.]+:10128 .*mining Stratum/;

test('the wall shows the miner, its alert and the counters in a real terminal, stays up FINISHED, and q restores it', {skip: tmuxAvailable ? false : 'tmux is not installed', timeout: 60_000}, async () => {
	const terminal = CliTerminal.start({columns: 160, rows: 45, arguments: ['-r', capture, '--wall', '--speed', '50'], environment: {CI: 'true'}});
	try {
		let screen = await terminal.waitForScreen(shown => miner.test(shown) && minerAlert.test(shown) && /HIGH open/.test(shown) && /Alerts by detection/.test(shown), 20_000, 'miner, alert and counters on screen');
		assert.ok(terminal.isOnAlternateScreen(), 'on the alternate screen while running');
		assert.match(screen.split('\n')[0] ?? '', /MINEWATCH .*demo\.pcapng/, 'the header names the capture');

		// The demo is four and a half minutes of capture time: about six seconds at 50×.
		await terminal.waitForScreen(shown => / FINISHED /.test(shown), 20_000, 'marked FINISHED at the end of the replay');
		assert.ok(!terminal.hasExited(), 'the wall stays up after the end of the capture');

		terminal.sendKeys('q');
		const exitStatus = await terminal.waitForExit(10_000);
		screen = terminal.screen();
		assert.equal(exitStatus, 0, `the wall quit with status 0:\n${screen}`);
		assert.ok(!terminal.isOnAlternateScreen(), 'back on the main screen');
		assert.match(screen, /minewatch watched \S*demo\.pcapng for .*read to the end/, 'the closing summary is printed on the main screen');
		assert.match(screen, /Top alerts:\n.*HIGH/);
		assert.ok(terminal.isCursorVisible(), 'the cursor is visible again');
	} finally {
		terminal.close();
	}
});
