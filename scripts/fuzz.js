// `npm run fuzz [RUNS]`: every fuzz property (test/**/*-fuzz.test.ts, built) with RUNS inputs each
// instead of the few thousand `npm test` checks. RUNS also comes from MINEWATCH_FUZZ_RUNS; the seed
// from MINEWATCH_FUZZ_SEED (a failure prints the seed and path that replay it).
import {spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import path from 'node:path';

const defaultRuns = 1_000_000;
const runs = process.argv[2] ?? process.env.MINEWATCH_FUZZ_RUNS ?? String(defaultRuns);
if (!/^[1-9]\d*$/.test(runs)) {
	console.error(`npm run fuzz: the runs per property must be a positive whole number, not ${JSON.stringify(runs)}`);
	process.exit(64);
}

const fuzzTests = readdirSync('dist/test', {recursive: true})
	.filter((file) => file.endsWith('-fuzz.test.js'))
	.sort()
	.map((file) => path.join('dist/test', file));
const {status} = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...fuzzTests], {
	stdio: 'inherit',
	env: {...process.env, MINEWATCH_FUZZ_RUNS: runs},
});
process.exit(status ?? 1);
