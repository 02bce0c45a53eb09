// The intake both renderers keep: nothing reaches the screen's data until settled, and settling
// keeps every summary's traffic even when a newer summary replaced it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {MessageIntake} from '../../source/view/message-intake.js';
import {alert, summary, trafficHistory} from '../ui/ui-test-kit.js';

const start = Date.parse('2025-03-11T09:14:00Z');

test('summaries and alerts wait for settle; end and error are known at once', () => {
	const intake = new MessageIntake();
	const first = summary({time: '2025-03-11T09:14:02.000Z'});
	const second = summary({time: '2025-03-11T09:14:04.000Z'});
	intake.receive(first);
	intake.receive(second);
	intake.receive(alert({}));
	intake.receive(alert({update: true, count: 2}));
	assert.equal(intake.summary, undefined);
	assert.equal(intake.alerts.length, 0);
	assert.ok(intake.summaryPending);
	intake.receive({type: 'error', exitCode: 2, message: 'not a capture file'});
	assert.equal(intake.error?.message, 'not a capture file');
	assert.equal(intake.settle(), 3, 'two alerts and the newest summary');
	assert.equal(intake.summary, second);
	assert.equal(intake.alerts.length, 1, 'one entry per alert id');
	assert.equal(intake.alerts[0]?.alert.count, 2);
	assert.equal(intake.settle(), 0);
	assert.equal(intake.latest.firstCaptureTime, first.time, 'the first capture time is the first summary\'s');
	assert.equal(intake.latest.alertsSeen, 1);
});

test('a replaced summary\'s history buckets still reach the rate history', () => {
	const intake = new MessageIntake();
	intake.receive(summary({history: trafficHistory(start, {stratum: [1000]})}));
	intake.receive(summary({history: trafficHistory(start + 2000, {stratum: [3000]})}));
	intake.receive(summary({history: trafficHistory(start + 4000, {stratum: [0]})}));
	intake.settle();
	assert.ok(intake.settleHistory());
	assert.equal(intake.settleHistory(), false, 'nothing queued twice');
	const bytes = intake.history.rates('stratum', 'bytes', 3);
	assert.deepEqual(bytes, [500, 1500, 0], 'every summary\'s bucket, in bytes per second');
});
