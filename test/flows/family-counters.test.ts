import {test} from 'node:test';
import assert from 'node:assert/strict';
import {FamilyCounters, historyBucketMilliseconds, maxHistoryBuckets} from '../../source/flows/family-counters.js';

const start = Date.parse('2025-03-11T09:14:00Z') * 1000;
const second = 1_000_000;

test('traffic is bucketed by capture time, however seldom the history is taken', () => {
	const packets: Array<[number, number]> = [[0, 100], [1.5, 200], [2.1, 300], [7.9, 400], [8, 500]];
	const once = new FamilyCounters();
	const often = new FamilyCounters();
	const pieces = [];
	for (const [at, bytes] of packets) {
		once.add('stratum', bytes, start + at * second);
		often.add('stratum', bytes, start + at * second);
		pieces.push(often.takeHistory(false));
	}

	const whole = once.takeHistory(true)!;
	assert.equal(whole.start, start / 1000);
	assert.equal(whole.bucketMilliseconds, historyBucketMilliseconds);
	assert.deepEqual(whole.bytes.stratum, [300, 300, 0, 400, 500], 'quiet buckets are zeros');
	assert.deepEqual(whole.packets.stratum, [2, 1, 0, 1, 1]);
	assert.deepEqual(whole.bytes.other, [0, 0, 0, 0, 0]);
	pieces.push(often.takeHistory(true));
	const taken = pieces.filter(piece => piece !== undefined);
	assert.deepEqual(taken.map(piece => [piece.start, piece.bytes.stratum]), [
		[start / 1000, [300]],
		[start / 1000 + 2000, [300]],
		[start / 1000 + 6000, [400]],
		[start / 1000 + 8000, [500]],
	], 'completed buckets only (a quiet one between takes is a gap in time), the one filling at the end');
	assert.equal(often.takeHistory(true), undefined, 'nothing twice');
	assert.deepEqual(once.snapshot().stratum, {packets: 5, bytes: 1500});
});

test('a packet back in time joins the bucket filling; a long gap keeps only the newest buckets', () => {
	const counters = new FamilyCounters();
	counters.add('other', 10, start + 5 * second);
	counters.add('other', 20, start + 1 * second);
	counters.add('other', 30, start + 10_000 * second);
	const history = counters.takeHistory(true)!;
	assert.equal(history.bytes.other.length, maxHistoryBuckets);
	assert.equal(history.start, (start + 10_000 * second) / 1000 - (maxHistoryBuckets - 1) * historyBucketMilliseconds);
	assert.equal(history.bytes.other.at(-1), 30);
	assert.equal(history.bytes.other.reduce((sum, bytes) => sum + bytes, 0), 30, 'the bucket of 30 bytes before the gap is beyond the kept ones');
});
