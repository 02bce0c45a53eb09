// End to end in a real terminal: the built CLI replays the bundled demo capture inside tmux.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {fixturesDirectory} from '../support/repository.js';
import {CliTerminal, tmuxAvailable} from '../support/tmux-terminal.js';

const capture = path.join(fixturesDirectory, 'demo.pcapng');
// The demo's first miner: XMRig on a workstation, logging in to a pool on port 10128 (README, "What the demo shows").
const miners = /192\.168\.10\.23/;
const minerAlert = /192\.168\.10\.23 → 198\.51\.100\.77:10128 .*mining/;
const sparklineLine = /^(?:Bitcoin P2P|Stratum|Stratum V2|getwork|Monero P2P|pool DNS|pool TLS|other) +.*[▁▂▃▄▅▆▇█]/m;

const skip = tmuxAvailable ? false : 'tmux is not installed';

test('the monitor shows a miner, its alert and a sparkline in a real terminal, and q restores it', {skip, timeout: 60_000}, async () => {
	const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-r', capture, '--speed', '20']});
	try {
		const running = await terminal.waitForScreen(shown => miners.test(shown) && minerAlert.test(shown) && sparklineLine.test(shown), 20_000, 'miner, alert and sparkline on screen');
		assert.ok(terminal.isOnAlternateScreen(), 'on the alternate screen while running');
		const rows = running.replace(/\n$/, '').split('\n');
		assert.equal(rows.length, 50);
		assert.equal(rows[49]?.trim(), '', 'the last row stays free: frames are at most rows - 1 tall');

		const closing = await terminal.quitWith('q', 10_000);
		assert.match(closing, /minewatch watched \S*demo\.pcapng/, 'the closing summary is printed on the main screen');
	} finally {
		terminal.close();
	}
});
