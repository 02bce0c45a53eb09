// --wall needs a terminal and excludes --json: both mistakes are usage errors before any capture.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {fixturesDirectory} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';

const demo = path.join(fixturesDirectory, 'demo.pcapng');

test('--wall with --json is a usage error', async () => {
	const run = await runCli(['-r', demo, '--wall', '--json']);
	assert.equal(run.exitCode, 64);
	assert.equal(run.stdout, '');
	assert.match(run.stderr, /^minewatch: --wall draws a dashboard on the terminal and --json writes NDJSON: use one of them\n/);
});

test('--wall without a terminal on standard output is a usage error, not NDJSON', async () => {
	const run = await runCli(['-r', demo, '--wall']);
	assert.equal(run.exitCode, 64);
	assert.equal(run.stdout, '');
	assert.match(run.stderr, /^minewatch: --wall needs a terminal on standard output \(for NDJSON, use --json\)\n/);
});
