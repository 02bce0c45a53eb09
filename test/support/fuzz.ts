// How every fuzz property runs: seeded, so a failure replays exactly, with a few thousand inputs in
// `npm test` and as many as asked in `npm run fuzz`. A failure names the seed and the shrunk
// counterexample's path, and the environment variables that replay it.
import fc from 'fast-check';

/** Fixed, so `npm test` checks the same inputs on every machine; MINEWATCH_FUZZ_SEED picks others. */
const defaultSeed = 0x6d696e65;

export const fuzzSeed = integerFromEnvironment('MINEWATCH_FUZZ_SEED') ?? defaultSeed;

/** Set by `npm run fuzz`: the runs of every property, instead of each test's own few thousand. */
const requestedRuns = integerFromEnvironment('MINEWATCH_FUZZ_RUNS');

/** With MINEWATCH_FUZZ_SEED, replays one failure from the path its report printed. */
const replayPath = process.env['MINEWATCH_FUZZ_PATH'] || undefined;

function integerFromEnvironment(name: string): number | undefined {
	const text = process.env[name];
	if (text === undefined || text === '') return undefined;
	const value = Number(text);
	if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, not ${JSON.stringify(text)}`);
	return value;
}

/** Runs `property` (`runs` times in `npm test`), throwing a report that says how to replay a failure. */
export function checkProperty<Values>(property: fc.IProperty<Values>, runs: number): void {
	throwOnFailure(fc.check(property, parameters(runs)));
}

/** `checkProperty` for properties that await. */
export async function checkAsyncProperty<Values>(property: fc.IAsyncProperty<Values>, runs: number): Promise<void> {
	throwOnFailure(await fc.check(property, parameters(runs)));
}

function parameters<Values>(runs: number): fc.Parameters<Values> {
	return {seed: fuzzSeed, numRuns: requestedRuns ?? runs, path: replayPath, endOnFailure: replayPath !== undefined};
}

function throwOnFailure<Values>(details: fc.RunDetails<Values>): void {
	if (!details.failed) return;
	const replay = `MINEWATCH_FUZZ_SEED=${details.seed} MINEWATCH_FUZZ_PATH=${details.counterexamplePath ?? ''}`;
	const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
	throw new Error(`fuzz property failed (seed ${details.seed}); replay with ${replay}\n${cause}\n${fc.defaultReportMessage(details) ?? ''}`, {cause: details.errorInstance});
}
