// minewatch view's refusals, each one line with its exit code, before anything is read or drawn.
import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {fixturesDirectory} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';

const demo = path.join(fixturesDirectory, 'demo.pcapng');

for (const [arguments_, exitCode, message] of [
	[['view', 'run.ndjson', '--json'], 64, /--json is for capturing: minewatch view shows what a sensor wrote, and takes only --wall and --speed/],
	[['view', 'run.ndjson', '--top', '5'], 64, /--top is for capturing/],
	[['view', '-', '--speed', '2'], 64, /--speed paces a finished NDJSON file/],
	[['view'], 64, /view takes one NDJSON file, or - for standard input/],
	[['view', demo], 5, /minewatch view needs a terminal on standard output/],
] as const) {
	test(`minewatch ${arguments_.join(' ')} exits ${exitCode} with one line`, async () => {
		const run = await runCli([...arguments_]);
		assert.equal(run.exitCode, exitCode);
		assert.match(run.stderr, message);
		assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
	});
}
