import {test} from 'node:test';
import assert from 'node:assert/strict';
import {RateHistory} from '../../source/view/rate-history.js';
import {sparkline} from '../../source/ui/sparkline.js';
import {trafficHistory} from '../ui/ui-test-kit.js';

const start = Date.parse('2017-01-17T12:18:00Z');
/** 30 buckets of 2 s whose Stratum traffic ramps up: 100, 200, ... 3000 bytes. */
const ramp = Array.from({length: 30}, (_, index) => (index + 1) * 100);

test('the same buckets draw the same shape whether they come in one summary (--speed max) or one per summary (1x)', () => {
	const atOnce = new RateHistory({bucketMilliseconds: 2000, buckets: 60});
	atOnce.add(trafficHistory(start, {stratum: ramp}));
	const oneByOne = new RateHistory({bucketMilliseconds: 2000, buckets: 60});
	ramp.forEach((bytes, index) => {
		oneByOne.add(trafficHistory(start + index * 2000, {stratum: [bytes]}));
	});
	const expected = ramp.map(bytes => bytes / 2);
	assert.deepEqual(atOnce.rates('stratum', 'bytes', 30), expected);
	assert.deepEqual(oneByOne.rates('stratum', 'bytes', 30), expected);
	assert.equal(atOnce.currentRate('stratum', 'bytes'), 1500);
	assert.equal(atOnce.currentRate('stratum', 'packets'), 15);
	assert.equal(atOnce.currentRate('bitcoin-p2p', 'bytes'), 0);
});

test('buckets of another length are spread over the ones they cover', () => {
	const history = new RateHistory({bucketMilliseconds: 1000, buckets: 30});
	history.add(trafficHistory(start, {stratum: [2000, 4000]}));
	assert.deepEqual(history.rates('stratum', 'bytes', 4), [1000, 1000, 2000, 2000]);
});

test('a capture with a months-long gap costs no more than the buckets it keeps', () => {
	const history = new RateHistory({bucketMilliseconds: 2000, buckets: 240});
	history.add(trafficHistory(start, {stratum: [2000, 2000]}));
	history.add(trafficHistory(start + 29_541_860_000, {stratum: [2000, 2000]}));
	const rates = history.rates('stratum', 'bytes', 10);
	assert.deepEqual(rates, [0, 0, 0, 0, 0, 0, 0, 0, 1000, 1000]);
	history.add(trafficHistory(start + 2000, {stratum: [9999]}));
	assert.deepEqual(history.rates('stratum', 'bytes', 10), rates, 'buckets older than those kept are dropped');
});

test('sparklines leave idle time blank and give any traffic at least the lowest block', () => {
	assert.equal(sparkline([0, 1, 50, 100], 4), ' ▁▄█');
	assert.equal(sparkline([0, 0], 4), '    ');
	assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 3), '▆▇█');
});
