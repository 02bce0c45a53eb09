// The NDJSON reader of minewatch view: every kind of bad line counted, never thrown; lines cut
// anywhere across chunks; the schema check; the host window from the carried hosts; pacing by capture time.
import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {test} from 'node:test';
import {LineSplitter} from '../../source/input/line-splitter.js';
import {NdjsonConnection} from '../../source/input/ndjson-connection.js';
import {parseRecordLine} from '../../source/input/ndjson-records.js';
import type {Summary, WorkerMessage} from '../../source/model/messages.js';
import {fixturesDirectory} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';
import {ManualClock} from '../support/manual-clock.js';
import path from 'node:path';

const demo = await runCli(['-r', path.join(fixturesDirectory, 'demo.pcapng'), '--json']);
const demoLines = demo.stdout.split('\n').filter(line => line !== '');
const firstSummary = demoLines.find(line => line.includes('"type":"summary"'))!;
const firstAlert = demoLines.find(line => line.includes('"type":"alert"'))!;

function collect(connection: NdjsonConnection): WorkerMessage[] {
	const messages: WorkerMessage[] = [];
	connection.onMessage(message => messages.push(message));
	return messages;
}

function lastSummary(messages: readonly WorkerMessage[]): Summary {
	return messages.filter((message): message is Summary => message.type === 'summary').at(-1)!;
}

test('every record minewatch --json writes reads back as the message it was', () => {
	for (const line of demoLines) {
		const parsed = parseRecordLine(line);
		assert.equal(parsed.kind, 'record', line.slice(0, 80));
		const written = JSON.parse(line) as Record<string, unknown>;
		delete written['schema'];
		assert.deepEqual(parsed.kind === 'record' ? parsed.message : undefined, written);
	}
});

test('each kind of bad line is told apart', () => {
	const alert = JSON.parse(firstAlert) as Record<string, unknown>;
	const summary = JSON.parse(firstSummary) as Record<string, unknown>;
	const cases: Array<[string, string]> = [
		[firstSummary.slice(0, 100), 'not-json'],
		['{"type":"summary"{"type":"alert"}', 'not-json'],
		['[1,2]', 'not-a-record'],
		['"summary"', 'not-a-record'],
		['{"type":"packet"}', 'not-a-record'],
		[JSON.stringify({...alert, severity: 'extreme'}), 'invalid'],
		[JSON.stringify({...alert, evidence: 'one line'}), 'invalid'],
		[JSON.stringify({...summary, schema: undefined}), 'invalid'],
		[JSON.stringify({...summary, hosts: [{address: 'not an address'}]}), 'invalid'],
		[JSON.stringify({...summary, hostsTracked: -1}), 'invalid'],
	];
	for (const [line, kind] of cases) {
		assert.deepEqual(parseRecordLine(line), {kind: 'bad', bad: kind}, line.slice(0, 80));
	}
});

test('a new major schema version is refused, a minor one read', () => {
	const summary = JSON.parse(firstSummary) as Record<string, unknown>;
	assert.deepEqual(parseRecordLine(JSON.stringify({...summary, schema: 2})), {kind: 'unknown-schema', schema: 2});
	assert.equal(parseRecordLine(JSON.stringify({...summary, schema: 1.1})).kind, 'record');
});

test('strings from the stream are sanitized again', () => {
	const alert = JSON.parse(firstAlert) as Record<string, unknown>;
	const parsed = parseRecordLine(JSON.stringify({...alert, agent: 'evil\u001b[2J\u202eagent'}));
	assert.ok(parsed.kind === 'record' && parsed.message.type === 'alert');
	assert.equal(parsed.message.agent, 'evil\\x1b[2J\\u{202e}agent');
});

test('lines cut anywhere across chunks come out whole, and a line without end is bounded', () => {
	const text = `${demoLines.join('\n')}\n`;
	const bytes = Buffer.from(text);
	for (const size of [1, 7, 4096]) {
		const splitter = new LineSplitter();
		const lines: string[] = [];
		for (let at = 0; at < bytes.length; at += size) {
			for (const line of splitter.push(bytes.subarray(at, at + size))) {
				assert.equal(line.kind, 'line');
				lines.push(line.kind === 'line' ? line.text : '');
			}
		}

		assert.equal(splitter.finish(), undefined);
		assert.deepEqual(lines, demoLines, `chunks of ${size}`);
	}

	const bounded = new LineSplitter(10);
	assert.deepEqual(bounded.push(Buffer.from('0123456789abc')), [{kind: 'too-long'}]);
	assert.deepEqual(bounded.push(Buffer.from('def\nok\r\nlast')), [{kind: 'line', text: 'ok'}]);
	assert.deepEqual(bounded.finish(), {kind: 'line', text: 'last'});
});

test('a garbled, interleaved and truncated stream is shown with its bad lines counted, and ends with a warning', async () => {
	const input = new PassThrough();
	const connection = new NdjsonConnection({input, name: '-'});
	const messages = collect(connection);
	const summaryLines = demoLines.filter(line => line.includes('"type":"summary"'));
	input.write(`${firstSummary}\n`);
	input.write('garbage\n');
	// Two writers' lines run together: the first is cut by the second.
	input.write(`${firstAlert.slice(0, 50)}${firstAlert}\n`);
	input.write(`${firstAlert}\n`);
	input.end(summaryLines.at(-1)!.slice(0, 200));
	await connection.exited;
	const end = messages.at(-1)!;
	assert.equal(end.type, 'end');
	assert.match(end.type === 'end' ? end.warning ?? '' : '', /standard input ended without its end record/);
	assert.equal(messages.filter(message => message.type === 'alert').length, 1);
	assert.equal(lastSummary(messages).streamed?.badLines, 3);
});

test('records before an unknown schema are shown, then it ends with exit code 2', async () => {
	const input = new PassThrough();
	const connection = new NdjsonConnection({input, name: 'old.ndjson'});
	const messages = collect(connection);
	input.end(`${firstSummary}\n${firstAlert}\n${JSON.stringify({...JSON.parse(firstSummary) as object, schema: 3})}\n${firstAlert}\n`);
	await connection.exited;
	assert.deepEqual(messages.map(message => message.type), ['summary', 'alert', 'error']);
	const error = messages[2]!;
	assert.ok(error.type === 'error');
	assert.equal(error.exitCode, 2);
	assert.match(error.message, /old\.ndjson is NDJSON of schema 3, and this minewatch reads schema 1/);
});

test('a stream with no record at all ends with exit code 2', async () => {
	const input = new PassThrough();
	const connection = new NdjsonConnection({input, name: 'empty.ndjson'});
	const messages = collect(connection);
	input.end('not json\n');
	await connection.exited;
	assert.deepEqual(messages, [{type: 'error', exitCode: 2, message: 'empty.ndjson holds no minewatch NDJSON record (1 unreadable line): it is what minewatch --json writes'}]);
});

test('the host window is sorted and filtered from the carried hosts with the worker\'s order', async () => {
	const input = new PassThrough();
	const connection = new NdjsonConnection({input, name: '-'});
	const messages = collect(connection);
	const final = demoLines.filter(line => line.includes('"type":"summary"')).at(-1)!;
	const carried = (JSON.parse(final) as Summary).hosts;
	input.write(`${final}\n`);
	await new Promise(resolve => setImmediate(resolve));
	connection.send({type: 'view', view: {sort: 'peers', reverse: false, filter: '', offset: 0, limit: 5}});
	const byPeers = lastSummary(messages);
	const expected = [...carried].sort((left, right) => right.peers - left.peers || (right.bytesIn + right.bytesOut) - (left.bytesIn + left.bytesOut)).slice(0, 5);
	assert.deepEqual(byPeers.hosts.map(host => host.address), expected.map(host => host.address));
	assert.equal(byPeers.hostsMatched, carried.length);
	assert.deepEqual(byPeers.streamed, {hostsCarried: carried.length, hostsAtSensor: (JSON.parse(final) as Summary).hostsTracked, badLines: 0});

	connection.send({type: 'view', view: {sort: 'address', reverse: true, filter: 'MINER', offset: 0, limit: 50, detailHost: '192.168.10.23'}});
	const miners = lastSummary(messages);
	assert.ok(miners.hosts.length > 0 && miners.hosts.every(host => host.roles.includes('miner')));
	assert.equal(miners.hostsMatched, carried.filter(host => host.roles.includes('miner')).length);
	assert.equal(miners.history, undefined, 'an answer to a view does not carry the history again');
	assert.equal(miners.detail?.host.address, '192.168.10.23');
	assert.equal(miners.detail?.streamed, true);
	connection.send({type: 'stop'});
	await connection.exited;
});

test('a finished file is paced by its records\' capture times, and pause holds it', async () => {
	const clock = new ManualClock();
	const input = new PassThrough();
	const connection = new NdjsonConnection({input, name: 'run.ndjson', pace: 2, clock});
	const messages = collect(connection);
	const at = (seconds: number) => JSON.stringify({...JSON.parse(firstAlert) as object, id: `a${seconds}`, time: new Date(Date.UTC(2025, 0, 1, 0, 0, seconds)).toISOString()});
	input.write(`${at(0)}\n${at(4)}\n${at(10)}\n`);
	await new Promise(resolve => setImmediate(resolve));
	const ids = () => messages.map(message => message.type === 'alert' ? message.id : message.type);
	assert.deepEqual(ids(), ['a0']);
	clock.advanceTo(1999);
	assert.deepEqual(ids(), ['a0']);
	clock.advanceTo(2000);
	assert.deepEqual(ids(), ['a0', 'a4'], 'four seconds of capture time at 2x: due after two');
	connection.send({type: 'pause'});
	clock.advanceTo(10_000);
	assert.deepEqual(ids(), ['a0', 'a4'], 'nothing falls due while paused');
	connection.send({type: 'resume'});
	clock.advanceTo(12_999);
	assert.deepEqual(ids(), ['a0', 'a4']);
	clock.advanceTo(13_000);
	assert.deepEqual(ids(), ['a0', 'a4', 'a10']);
	connection.send({type: 'stop'});
	await connection.exited;
});
