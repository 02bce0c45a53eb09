// A test reporter run beside the spec reporter by `npm test`: at the end it says which tests were
// skipped and why, grouped by reason, so that a skip (no ../shared, not root, no tmux) is read, not
// scrolled past among hundreds of passes.
import path from 'node:path';
import type {TestEvent} from 'node:test/reporters';

interface Skipped {
	name: string;
	file?: string;
}

/** The report's lines for the skipped tests, most common reason first. */
function skipReport(skipped: ReadonlyMap<string, readonly Skipped[]>): string {
	const total = [...skipped.values()].reduce((sum, tests) => sum + tests.length, 0);
	if (total === 0) return '\nNo test was skipped.\n';
	const lines = ['', `${total} skipped in all:`];
	for (const [reason, tests] of [...skipped].sort((left, right) => right[1].length - left[1].length || left[0].localeCompare(right[0]))) {
		lines.push(`  ${tests.length} skipped: ${reason}`);
		for (const test of tests) {
			lines.push(`    ${test.file === undefined ? '' : `${path.basename(test.file)}: `}${test.name}`);
		}
	}

	return `${lines.join('\n')}\n`;
}

export default async function * skippedTests(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
	const skipped = new Map<string, Skipped[]>();
	for await (const event of source) {
		if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
		const {skip, name, file} = event.data;
		if (skip === undefined || skip === false) continue;
		const reason = skip === true ? 'no reason given' : skip;
		skipped.set(reason, [...(skipped.get(reason) ?? []), {name, file}]);
	}

	yield skipReport(skipped);
}
