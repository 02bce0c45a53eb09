// The worker's side of the host table, on a real replay session: every sort column in both directions,
// the filter, the window and the detail, asked for after the end record as the interactive renderers
// do when a finished replay is explored, and answered from the final tables until the session is stopped.
import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {compareAddressText} from '../../source/decode/ip-address-text.js';
import {compareHostOrder, hostMatchesFilter, hostOrderKeys, hostRowFacts, normalizeHostFilter} from '../../source/model/host-order.js';
import {hostSortKeys, severityRank, type HostRow, type HostSortKey, type HostView, type Summary, type WorkerMessage} from '../../source/model/messages.js';
import {resolveOptions} from '../../source/options.js';
import {CaptureSession} from '../../source/session/capture-session.js';
import {fixturesDirectory} from '../support/repository.js';

interface FinishedSession {
	session: CaptureSession;
	ran: Promise<void>;
	/** Asks for a view and returns the summary that answers it. */
	ask(view: Partial<HostView>): Summary;
	final: Summary;
	posted: WorkerMessage[];
}

const everyHost = 10_000;

async function finishedReplay(file: string): Promise<FinishedSession> {
	const {session: options, output} = resolveOptions({read: path.join(fixturesDirectory, file), speed: 'max', listInterfaces: false, loop: false, json: false, wall: false, allow: []}, true);
	assert.equal(output, 'ui');
	assert.equal(options.answerViewsAfterEnd, true, 'the interactive renderers keep the final tables');
	const posted: WorkerMessage[] = [];
	let ended!: () => void;
	const endPosted = new Promise<void>(resolve => {
		ended = resolve;
	});
	const session = new CaptureSession(options, message => {
		posted.push(message as WorkerMessage);
		if (message.type === 'end') ended();
	});
	let settled = false;
	const ran = session.run().then(() => {
		settled = true;
	});
	await endPosted;
	await new Promise(resolve => setImmediate(resolve));
	assert.equal(settled, false, 'the session waits to be told to stop');
	const summaries = posted.filter((message): message is Summary => message.type === 'summary');
	const final = summaries.at(-1)!;
	const ask = (change: Partial<HostView>): Summary => {
		const before = posted.length;
		session.control({type: 'view', view: {sort: 'severity', reverse: false, filter: '', offset: 0, limit: everyHost, ...change}});
		const answers = posted.slice(before);
		assert.equal(answers.length, 1, 'one summary answers each view');
		assert.equal(answers[0]!.type, 'summary');
		return answers[0] as Summary;
	};

	return {session, ran, ask, final, posted};
}

function traffic(row: HostRow): number {
	return row.bytesIn + row.bytesOut;
}

/** The column's value as the row carries it, and the tie-break the worker applies before the address. */
const sortValue: Record<HostSortKey, (row: HostRow) => [number, number]> = {
	severity: row => [row.severity === undefined ? 0 : severityRank[row.severity], traffic(row)],
	traffic: row => [traffic(row), 0],
	address: () => [0, 0],
	peers: row => [row.peers, traffic(row)],
	packetRate: row => [row.packetsPerSecond, traffic(row)],
	lastSeen: row => [row.lastSeen, 0],
};

function assertOrdered(rows: readonly HostRow[], sort: HostSortKey, reverse: boolean): void {
	const direction = reverse ? -1 : 1;
	for (let index = 1; index < rows.length; index++) {
		const [above, below] = [rows[index - 1]!, rows[index]!];
		const [aboveKey, aboveTie] = sortValue[sort](above);
		const [belowKey, belowTie] = sortValue[sort](below);
		const where = `${sort}${reverse ? ' reversed' : ''}: ${above.address} before ${below.address}`;
		assert.ok(direction * (aboveKey - belowKey) >= 0, where);
		// Last seen is carried in milliseconds and sorted in microseconds: equal rows may be in either order.
		if (aboveKey !== belowKey || sort === 'lastSeen') continue;
		assert.ok(direction * (aboveTie - belowTie) >= 0, `${where} (tie)`);
		if (aboveTie === belowTie) {
			assert.ok(direction * compareAddressText(above.address, below.address) < 0, `${where} (address)`);
		}
	}
}

test('after the end, every sort column orders the final hosts in both directions, and the window is a slice of that order', async () => {
	const replay = await finishedReplay('demo.pcapng');
	const everyRow = replay.ask({}).hosts;
	assert.ok(everyRow.length >= 10, `the demo capture has hosts enough to order (${everyRow.length})`);
	const distinct = (pick: (row: HostRow) => number) => new Set(everyRow.map(pick)).size > 1;
	assert.ok(distinct(row => row.peers) && distinct(row => row.lastSeen) && distinct(traffic), 'the columns differ between hosts');
	for (const sort of hostSortKeys) {
		for (const reverse of [false, true]) {
			const answer = replay.ask({sort, reverse});
			assert.equal(answer.hostsMatched, everyRow.length);
			assert.deepEqual(answer.hosts.map(row => row.address).sort(), everyRow.map(row => row.address).sort(), `${sort}: every host once`);
			assertOrdered(answer.hosts, sort, reverse);
			if (sort !== 'lastSeen') {
				// The rows carry every key but last seen at the worker's precision: ordered on the main side
				// with the shared comparator, as a renderer holding only rows does, they come out the same.
				const mainSide = [...everyRow].sort((left, right) => compareHostOrder(hostOrderKeys(sort, hostRowFacts(left)), hostOrderKeys(sort, hostRowFacts(right)), reverse, () => compareAddressText(left.address, right.address)));
				assert.deepEqual(mainSide.map(row => row.address), answer.hosts.map(row => row.address), `${sort}: the same order on both sides`);
			}

			const window = replay.ask({sort, reverse, offset: 3, limit: 4});
			assert.deepEqual(window.hosts, answer.hosts.slice(3, 7), `${sort}: the window is rows 4 to 7 of the order`);
			assert.equal(window.hostsMatched, everyRow.length);
		}
	}

	replay.session.control({type: 'stop'});
	await replay.ran;
});

test('after the end, a filter keeps the matching hosts in order, and the detail is the final one', async () => {
	const replay = await finishedReplay('demo.pcapng');
	const filtered = replay.ask({filter: 'miner', sort: 'traffic'});
	assert.ok(filtered.hostsMatched > 0 && filtered.hostsMatched < replay.ask({}).hostsMatched, 'some hosts, not all');
	assert.ok(filtered.hosts.every(row => row.roles.includes('miner')), 'each is a miner');
	const everyRow = replay.ask({sort: 'traffic'}).hosts;
	assert.deepEqual(everyRow.filter(row => hostMatchesFilter(row, normalizeHostFilter(' Miner'))), filtered.hosts, 'the shared filter on the rows picks the same hosts');
	assertOrdered(filtered.hosts, 'traffic', false);
	assert.equal(replay.ask({filter: 'no such host anywhere'}).hostsMatched, 0);
	const miner = filtered.hosts[0]!.address;
	const detail = replay.ask({detailHost: miner});
	assert.equal(detail.detail?.host.address, miner);
	assert.ok((detail.detail?.peers.length ?? 0) > 0, 'the miner\'s peers');
	assert.equal(detail.history, undefined, 'the final traffic history went once, with the final summary');
	const {history: _history, ...finalWithoutHistory} = replay.final;
	assert.deepEqual({...detail, hosts: [], hostsMatched: 0, detail: undefined}, {...finalWithoutHistory, hosts: [], hostsMatched: 0, detail: undefined}, 'totals, rates and progress stay the final ones');
	const end = replay.posted.findIndex(message => message.type === 'end');
	assert.ok(end >= 0 && replay.posted.slice(0, end).some(message => message.type === 'summary'));
	replay.session.control({type: 'stop'});
	await replay.ran;
});
