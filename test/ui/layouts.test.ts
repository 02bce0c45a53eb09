// Every supported layout in a real terminal: the UI and the wall replay the bundled demo capture
// (no ../shared needed) in one tmux terminal each, resized between checks; each check waits for
// the screen to show the new size's frame, never for a duration.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {fixturesDirectory} from '../support/repository.js';
import {CliTerminal, tmuxAvailable} from '../support/tmux-terminal.js';

const capture = path.join(fixturesDirectory, 'demo.pcapng');
const sizes = [{columns: 80, rows: 24}, {columns: 100, rows: 30}, {columns: 160, rows: 45}, {columns: 200, rows: 60}, {columns: 250, rows: 70}];
const skip = tmuxAvailable ? false : 'tmux is not installed';

function rowsOf(screen: string): string[] {
	return screen.replace(/\n$/, '').split('\n');
}

test('the UI at every layout: status bar whole, footer on the last frame line, panes filling the height', {skip, timeout: 120_000}, async () => {
	const terminal = CliTerminal.start({columns: 80, rows: 24, arguments: ['-r', capture, '--speed', 'max']});
	try {
		for (const {columns, rows} of sizes) {
			terminal.resize(columns, rows);
			const screen = await terminal.waitForScreen(shown => {
				const lines = rowsOf(shown);
				// The footer of a frame drawn for this size sits on the line above the last.
				return lines.length === rows && / hosts {2}q quit/.test(lines[rows - 2] ?? '') && / FINISHED\b/.test(lines[0] ?? '');
			}, 20_000, `the frame at ${columns}x${rows}`);
			const lines = rowsOf(screen);
			assert.ok(lines.every(line => [...line].length <= columns), `no line wider than ${columns}`);
			assert.match(lines[0] ?? '', /\d\d:\d\d:\d\d( UTC)? · .*\/s · .* kb\/s/, `capture time and rates at ${columns}x${rows}`);
			assert.match(lines[1] ?? '', /(alerts|open) .*▲ ?4.*max █+ 100%$/, `alerts, speed and progress whole at ${columns}x${rows}`);
			assert.equal(lines[rows - 1]?.trim(), '', 'the last row stays free');
			const alertTitle = lines.findIndex(line => line.startsWith('─ Alerts '));
			assert.ok(alertTitle > 0, `an alert pane at ${columns}x${rows}`);
			assert.ok(lines.slice(alertTitle + 1, rows - 2).every(line => line.trim() !== ''), `the alert pane fills down to the footer at ${columns}x${rows}`);
		}
	} finally {
		terminal.close();
	}
});

test('the wall at every layout: the header whole, the top hosts with names', {skip, timeout: 120_000}, async () => {
	const terminal = CliTerminal.start({columns: 80, rows: 24, arguments: ['-r', capture, '--wall', '--speed', 'max'], environment: {CI: 'true'}});
	try {
		for (const {columns, rows} of sizes) {
			terminal.resize(columns, rows);
			const screen = await terminal.waitForScreen(shown => {
				const lines = rowsOf(shown);
				return lines.length === rows && / FINISHED\b/.test(lines[0] ?? '') && lines.some(line => /Top hosts/.test(line) && line.length >= columns - 2);
			}, 20_000, `the wall at ${columns}x${rows}`);
			const lines = rowsOf(screen);
			assert.ok(lines.every(line => [...line].length <= columns), `no line wider than ${columns}`);
			assert.match(lines[0] ?? '', /MINEWATCH \S+ +(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d .* FINISHED\b/, `the header at ${columns}x${rows}`);
			assert.ok(lines.some(line => /SEV +HOST +ROLE .*NAME/.test(line)), `a NAME column at ${columns}x${rows}`);
		}
	} finally {
		terminal.close();
	}
});
