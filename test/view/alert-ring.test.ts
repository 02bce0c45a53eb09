import {test} from 'node:test';
import assert from 'node:assert/strict';
import {AlertRing, unacknowledgedOpen} from '../../source/view/alert-ring.js';
import {alert} from '../ui/ui-test-kit.js';

test('re-emissions replace their entry and show its count; the ring stays bounded', () => {
	const ring = new AlertRing(3);
	ring.addAll([alert({id: 'a'}), alert({id: 'b'})]);
	ring.addAll([alert({id: 'a', update: true, certainty: 99}), alert({id: 'a', update: true, count: 2})]);
	assert.deepEqual(ring.entries.map(entry => [entry.alert.id, entry.alert.count]), [['a', 2], ['b', 1]]);
	assert.equal(ring.entries[0]?.alert.certainty, 95, 'the newest emission wins');
	ring.addAll([alert({id: 'c'}), alert({id: 'd'})]);
	assert.deepEqual(ring.entries.map(entry => entry.alert.id), ['d', 'c', 'a']);
	assert.equal(ring.distinct, 4);
});

test('newest first by capture time: a held finding raised after a newer alert sorts below it', () => {
	const ring = new AlertRing();
	ring.addAll([alert({id: 'seen-at-52s', time: '2026-11-30T09:00:52.000Z'})]);
	ring.addAll([alert({id: 'held-from-49s', time: '2026-11-30T09:00:49.000Z'})]);
	ring.addAll([alert({id: 'seen-at-50s', time: '2026-11-30T09:00:50.000Z'}), alert({id: 'seen-at-53s', time: '2026-11-30T09:00:53.000Z'})]);
	assert.deepEqual(ring.entries.map(entry => entry.alert.id), ['seen-at-53s', 'seen-at-52s', 'seen-at-50s', 'held-from-49s']);
	ring.addAll([alert({id: 'held-from-49s', time: '2026-11-30T09:05:49.000Z', count: 2, update: true})]);
	assert.equal(ring.entries[0]?.alert.id, 'held-from-49s', 'a repeat sighting is news at its own time');
	const bounded = new AlertRing(2);
	bounded.addAll([alert({id: 'late', time: '2026-11-30T09:00:52.000Z'}), alert({id: 'early', time: '2026-11-30T09:00:40.000Z'}), alert({id: 'middle', time: '2026-11-30T09:00:45.000Z'})]);
	assert.deepEqual(bounded.entries.map(entry => entry.alert.id), ['late', 'middle'], 'the oldest by capture time leaves first');
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
