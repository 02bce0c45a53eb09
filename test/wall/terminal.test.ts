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
		const running = await terminal.waitForScreen(shown => miner.test(shown) && minerAlert.test(shown) && /HIGH open/.test(shown) && /Alerts by detection/.test(shown), 20_000, 'miner, alert and counters on screen');
		assert.ok(terminal.isOnAlternateScreen(), 'on the alternate screen while running');
		assert.match(running.split('\n')[0] ?? '', /MINEWATCH .*demo\.pcapng/, 'the header names the capture');
		// Written as Unicode: through the terminal's line-drawing set they would read "lqqk" and "`" here.
		assert.match(running, /┌─ ◆ MEDIUM open ─+┐/, 'box lines and the medium glyph are Unicode');
		assert.match(running, /◆ MED +192\.168\.10\.10 /, 'the host table shows the medium glyph');

		// The demo is four and a half minutes of capture time: about six seconds at 50×.
		await terminal.waitForScreen(shown => / FINISHED /.test(shown), 20_000, 'marked FINISHED at the end of the replay');
		assert.ok(!terminal.hasExited(), 'the wall stays up after the end of the capture');

		const closing = await terminal.quitWith('q', 10_000);
		assert.match(closing, /minewatch watched \S*demo\.pcapng for .*read to the end/, 'the closing summary is printed on the main screen');
		assert.match(closing, /Top alerts:\n.*HIGH/);
	} finally {
		terminal.close();
	}
});
