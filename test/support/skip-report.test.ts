import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {TestEvent} from 'node:test/reporters';
import skippedTests from './skip-report.js';

function finished(name: string, skip: string | boolean | undefined, file = '/work/dist/test/ui/terminal.test.js'): TestEvent {
	return {type: 'test:pass', data: {name, nesting: 0, testNumber: 1, details: {duration_ms: 0}, skip, file}};
}

async function report(events: TestEvent[]): Promise<string> {
	async function * source(): AsyncGenerator<TestEvent> {
		yield * events;
	}

	let text = '';
	for await (const chunk of skippedTests(source())) text += chunk;
	return text;
}

test('the report ends with the skipped tests grouped by reason, the most common first', async () => {
	const text = await report([
		finished('a pass', undefined),
		finished('live pcap', 'not root', '/work/dist/test/cli.test.js'),
		finished('shared one', 'needs ../shared/captures beside the project'),
		finished('live tcpdump', 'not root', '/work/dist/test/cli.test.js'),
		finished('a pass too', false),
		finished('no reason', true),
	]);
	assert.equal(text, [
		'',
		'4 skipped in all:',
		'  2 skipped: not root',
		'    cli.test.js: live pcap',
		'    cli.test.js: live tcpdump',
		'  1 skipped: needs ../shared/captures beside the project',
		'    terminal.test.js: shared one',
		'  1 skipped: no reason given',
		'    terminal.test.js: no reason',
		'',
	].join('\n'));
});

test('a run that skipped nothing says so', async () => {
	assert.equal(await report([finished('a pass', undefined)]), '\nNo test was skipped.\n');
});
