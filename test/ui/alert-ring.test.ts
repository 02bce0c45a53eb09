import {test} from 'node:test';
import assert from 'node:assert/strict';
import {AlertRing, unacknowledgedOpen} from '../../source/ui/alert-ring.js';
import {alert} from './ui-test-kit.js';

test('repeats coalesce with a count and move to the front; the ring stays bounded', () => {
	const ring = new AlertRing(3);
	ring.addAll([alert({id: 'a'}), alert({id: 'b'})]);
	ring.addAll([alert({id: 'a', update: true, certainty: 99}), alert({id: 'a'})]);
	assert.deepEqual(ring.entries.map(entry => [entry.alert.id, entry.count]), [['a', 3], ['b', 1]]);
	assert.equal(ring.entries[0]?.alert.certainty, 95, 'the newest emission wins');
	ring.addAll([alert({id: 'c'}), alert({id: 'd'})]);
	assert.deepEqual(ring.entries.map(entry => entry.alert.id), ['d', 'c', 'a']);
	assert.equal(ring.distinct, 4);
});

test('acknowledging marks one entry; a rise in severity reopens it', () => {
	const ring = new AlertRing();
	ring.addAll([alert({id: 'a', severity: 'medium'})]);
	const before = ring.entries;
	assert.equal(ring.toggleAcknowledged('a'), true);
	assert.notEqual(ring.entries, before, 'a new list for React');
	assert.equal(ring.entries[0]?.acknowledged, true);
	ring.addAll([alert({id: 'a', severity: 'medium'})]);
	assert.equal(ring.entries[0]?.acknowledged, true, 'a repeat stays acknowledged');
	ring.addAll([alert({id: 'a', severity: 'critical', update: true})]);
	assert.equal(ring.entries[0]?.acknowledged, false, 'an escalation is news again');
});

test('acknowledging again takes it back; an id the ring no longer holds is refused', () => {
	const ring = new AlertRing();
	ring.addAll([alert({id: 'a'})]);
	ring.toggleAcknowledged('a');
	ring.toggleAcknowledged('a');
	assert.equal(ring.entries[0]?.acknowledged, false);
	assert.equal(ring.toggleAcknowledged('gone'), false);
});

test('acknowledged alerts leave the open counts; allowed ones were never in them', () => {
	const entries = [
		{alert: alert({id: 'h1', severity: 'high'}), count: 1, acknowledged: true},
		{alert: alert({id: 'h2', severity: 'high'}), count: 1, acknowledged: false},
		{alert: alert({id: 'm', severity: 'medium', allowed: true}), count: 1, acknowledged: true},
		{alert: alert({id: 'l', severity: 'low'}), count: 1, acknowledged: true},
	];
	assert.deepEqual(unacknowledgedOpen({low: 0, medium: 0, high: 2, critical: 1}, entries), {low: 0, medium: 0, high: 1, critical: 1});
});
