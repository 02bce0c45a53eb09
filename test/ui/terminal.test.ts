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

/** The host table's rows on screen: between its column header and the next pane. */
function hostRows(screen: string): string[] {
	const lines = screen.split('\n');
	const header = lines.findIndex(line => line.startsWith('SEV'));
	const next = lines.findIndex((line, index) => index > header && line.startsWith('─ '));
	return lines.slice(header + 1, next).filter(line => line.trim() !== '');
}

/** A row's PEERS column: the count before the IN and OUT byte columns. */
function peersOf(row: string): number {
	const match = /(\d+) +[\d.]+ [kMG]?B +[\d.]+ [kMG]?B +\d/.exec(row);
	assert.ok(match, `a peer count in: ${row}`);
	return Number(match[1]);
}

test('a finished replay stays explorable: s re-sorts the rows, Enter opens the detail, / filters the rows', {skip, timeout: 60_000}, async () => {
	const terminal = CliTerminal.start({columns: 160, rows: 50, arguments: ['-r', capture, '--speed', 'max']});
	try {
		const finished = await terminal.waitForScreen(shown => / FINISHED /.test(shown) && /Hosts 1–\d+ of 45/.test(shown), 20_000, 'the replay finished');
		// As many rows as the layout gives the host pane at this size.
		const shownRows = Number(/Hosts 1–(\d+) of 45/.exec(finished)![1]);
		assert.equal(hostRows(finished).length, shownRows);
		// severity → traffic → address → peers
		terminal.sendKeys('s', 's', 's');
		// The header follows the key at once; the rows, once the worker has answered.
		const mostPeersFirst = (shown: string): boolean => {
			const peers = hostRows(shown).map(peersOf);
			return peers.length === shownRows && peers.every((count, index) => index === 0 || count <= peers[index - 1]!);
		};

		assert.ok(!mostPeersFirst(finished), 'sorted by severity, the rows are not in peer order');
		const byPeers = await terminal.waitForScreen(shown => /sort peers ▼/.test(shown) && mostPeersFirst(shown), 10_000, 'the rows sorted by peers, most first');
		const first = /^ *(?:\S+ \S+ +)?(\d+\.\d+\.\d+\.\d+)/.exec(hostRows(byPeers)[0]!.slice(7))?.[1];
		assert.ok(first, 'the first row\'s address');

		terminal.sendKeys('Enter');
		await terminal.waitForScreen(shown => /Host detail/.test(shown) && shown.includes(`Host ${first} ·`) && /Peers \(\d+\)/.test(shown), 10_000, 'the detail of the first host');
		terminal.sendKeys('Escape');
		await terminal.waitForScreen(shown => /sort peers ▼/.test(shown) && !/Host detail/.test(shown), 10_000, 'back to the table');

		terminal.sendKeys('/', 'm', 'i', 'n', 'e', 'r', 'Enter');
		const onlyMiners = (shown: string): boolean => {
			const rows = hostRows(shown);
			return rows.length > 0 && rows.length < shownRows && rows.every(row => / miner /.test(row));
		};

		await terminal.waitForScreen(onlyMiners, 10_000, 'only the miners listed');

		await terminal.quitWith('q', 10_000);
	} finally {
		terminal.close();
	}
});
