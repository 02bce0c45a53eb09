import {test} from 'node:test';
import assert from 'node:assert/strict';
import {RateHistory} from '../../source/ui/rate-history.js';
import {sparkline} from '../../source/ui/sparkline.js';
import {counters} from './ui-test-kit.js';

const start = Date.parse('2017-01-17T12:17:01Z');

/** Replays 60 s of capture time whose Stratum rate ramps up, summarised every `stepMilliseconds` of capture time. */
function replay(stepMilliseconds: number): RateHistory {
	const history = new RateHistory({bucketMilliseconds: 2000, buckets: 60});
	let bytes = 0;
	for (let elapsed = 0; elapsed <= 60_000; elapsed += stepMilliseconds) {
		history.update(start + elapsed, counters({stratum: bytes}));
		bytes += (elapsed / 1000) * 100 * (stepMilliseconds / 1000);
	}

	return history;
}

test('the same capture summarised at different speeds draws the same shape', () => {
	const oneX = replay(250);
	const tenX = replay(2500);
	const slow = oneX.rates('stratum', 'bytes', 25);
	const fast = tenX.rates('stratum', 'bytes', 25);
	assert.equal(slow.length, 25);
	assert.equal(fast.length, 25);
	const peak = Math.max(...slow);
	slow.forEach((rate, index) => {
		assert.ok(Math.abs(rate - (fast[index] ?? 0)) <= peak * 0.05, `bucket ${index}: ${rate} at 1×, ${fast[index]} at 10×`);
	});
	assert.ok((slow.at(-1) ?? 0) > (slow[0] ?? 0), 'a rising rate rises');
	assert.ok(Math.abs((slow.at(-1) ?? 0) - 5700) < 400, `about 5.7 kB/s at the end, got ${slow.at(-1)}`);
});

test('a loop back to the start of the file or a counter reset does not draw a spike', () => {
	const history = new RateHistory({bucketMilliseconds: 1000, buckets: 30});
	for (let second = 0; second <= 10; second++) {
		history.update(start + second * 1000, counters({stratum: second * 1000}));
	}

	history.update(start, counters({stratum: 0}));
	for (let second = 1; second <= 5; second++) {
		history.update(start + second * 1000, counters({stratum: second * 1000}));
	}

	const rates = history.rates('stratum', 'bytes', 14);
	assert.deepEqual(rates, Array.from({length: 14}, () => 1000));
	assert.equal(history.currentRate('stratum', 'bytes'), 1000);
	assert.equal(history.currentRate('bitcoin-p2p', 'bytes'), 0);
});

test('a capture with a months-long gap costs no more than the buckets it keeps', () => {
	const history = new RateHistory({bucketMilliseconds: 2000, buckets: 240});
	history.update(start, counters({stratum: 0}));
	history.update(start + 10_000, counters({stratum: 10_000}));
	history.update(start + 29_541_857_000, counters({stratum: 20_000}));
	history.update(start + 29_541_867_000, counters({stratum: 30_000}));
	const rates = history.rates('stratum', 'bytes', 10);
	assert.deepEqual(rates.slice(-4), [1000, 1000, 1000, 1000]);
	assert.ok(rates.slice(0, -5).every(rate => rate < 1), 'the gap itself is near zero');
});

test('sparklines leave idle time blank and give any traffic at least the lowest block', () => {
	assert.equal(sparkline([0, 1, 50, 100], 4), ' ▁▄█');
	assert.equal(sparkline([0, 0], 4), '    ');
	assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 3), '▆▇█');
});
