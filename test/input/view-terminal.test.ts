// minewatch view end to end in real terminals: `minewatch -r capture --json | minewatch view -`
// shows the hosts and alerts the direct UI shows, in the UI and on the wall; q restores the
// terminal; a garbled, truncated file is survived with its bad lines counted; a new schema exits 2.
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fixturesDirectory} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';
import {scratchDirectory} from '../support/scratch.js';
import {CliTerminal, tmuxAvailable} from '../support/tmux-terminal.js';

const skip = tmuxAvailable ? false : 'tmux is not installed';
const capture = path.join(fixturesDirectory, 'demo.pcapng');
const size = {columns: 160, rows: 45};

/** The host rows and alert lines of a finished screen: everything but the title lines, which differ. */
function hostsAndAlerts(screen: string): {hosts: string[]; alerts: string[]} {
	const lines = screen.split('\n');
	const hostsTitle = lines.findIndex(line => /Hosts \d/.test(line));
	const protocolsTitle = lines.findIndex(line => line.includes('Protocols'));
	const alertsTitle = lines.findIndex(line => /─ Alerts|▶ Alerts/.test(line));
	return {
		hosts: lines.slice(hostsTitle + 2, protocolsTitle).map(line => line.trimEnd()),
		alerts: lines.slice(alertsTitle + 1).map(line => line.trimEnd()).filter(line => /\d\d:\d\d:\d\d/.test(line)),
	};
}

async function finishedScreen(terminal: CliTerminal): Promise<string> {
	return terminal.waitForScreen(screen => screen.includes('FINISHED') && /192\.168\.10\.23/.test(screen), 30_000, 'finished with the demo\'s miner');
}

test('minewatch --json | minewatch view - shows the direct UI\'s hosts and alerts, and q restores the terminal', {skip, timeout: 120_000}, async () => {
	const direct = CliTerminal.start({...size, arguments: ['-r', capture, '--speed', 'max']});
	let expected: {hosts: string[]; alerts: string[]};
	try {
		expected = hostsAndAlerts(await finishedScreen(direct));
		await direct.quitWith('q', 10_000);
	} finally {
		direct.close();
	}

	const viewed = CliTerminal.start({...size, pipedFrom: ['-r', capture, '--json'], arguments: ['view', '-']});
	try {
		const screen = await finishedScreen(viewed);
		assert.match(screen, /top 20 of 45 at the sensor/);
		const shown = hostsAndAlerts(screen);
		assert.ok(expected.hosts.length >= 10 && expected.alerts.length >= 5, 'the direct screen has hosts and alerts');
		assert.deepEqual(shown.hosts, expected.hosts);
		assert.deepEqual(shown.alerts, expected.alerts);
		viewed.sendKeys('Enter');
		await viewed.waitForScreen(shown => /Host 192\.168\.10\.31/.test(shown) && /shape: TLS ClientHello/.test(shown), 10_000, 'the detail shows the alert\'s evidence');
		await viewed.quitWith('q', 10_000);
	} finally {
		viewed.close();
	}
});

test('minewatch --json | minewatch view - --wall shows the hosts and alerts, and q restores the terminal', {skip, timeout: 60_000}, async () => {
	const viewed = CliTerminal.start({...size, pipedFrom: ['-r', capture, '--json'], arguments: ['view', '-', '--wall']});
	try {
		const screen = await viewed.waitForScreen(shown => shown.includes('FINISHED') && shown.includes('192.168.10.23') && /198\.51\.100\.77:10128/.test(shown), 30_000, 'the wall with the miner and its alert');
		assert.match(screen, /top 20 of 45 hosts at the sensor/);
		await viewed.quitWith('q', 10_000);
	} finally {
		viewed.close();
	}
});

test('a garbled and truncated NDJSON file is shown with its bad lines counted', {skip, timeout: 60_000}, async () => {
	const run = await runCli(['-r', capture, '--json']);
	const lines = run.stdout.split('\n').filter(line => line !== '');
	const garbled = [...lines.slice(0, -1)];
	garbled.splice(3, 0, 'garbage', lines[4]!.slice(0, 40) + lines[5]!);
	const file = path.join(scratchDirectory('view-garbled'), 'garbled.ndjson');
	// The end record is cut off in the middle, as a sensor killed mid-write leaves it.
	writeFileSync(file, `${garbled.join('\n')}\n${lines.at(-1)!.slice(0, 30)}`);
	const viewed = CliTerminal.start({...size, arguments: ['view', file, '--speed', 'max']});
	try {
		const screen = await finishedScreen(viewed);
		assert.match(screen, /3 bad lines in the stream/);
		const closing = await viewed.quitWith('q', 10_000);
		assert.match(closing, /ended without its end record/);
	} finally {
		viewed.close();
	}
});

test('minewatch view refuses an unknown schema version with one line and exit code 2', {skip, timeout: 60_000}, async () => {
	const file = path.join(scratchDirectory('view-schema'), 'future.ndjson');
	writeFileSync(file, '{"type":"summary","schema":2}\n');
	// In a terminal, as a person runs it: refused before any screen is drawn.
	const terminal = CliTerminal.start({columns: 100, rows: 20, arguments: ['view', file]});
	try {
		assert.equal(await terminal.waitForExit(20_000), 2);
		assert.match(terminal.screen().replaceAll('\n', ''), /minewatch: .*future\.ndjson is NDJSON of schema 2, and this minewatch reads schema 1/);
	} finally {
		terminal.close();
	}
});
