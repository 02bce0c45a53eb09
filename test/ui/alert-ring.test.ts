import {test} from 'node:test';
import assert from 'node:assert/strict';
import {AlertRing} from '../../source/ui/alert-ring.js';
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
	assert.equal(ring.acknowledge('a'), true);
	assert.notEqual(ring.entries, before, 'a new list for React');
	assert.equal(ring.entries[0]?.acknowledged, true);
	ring.addAll([alert({id: 'a', severity: 'medium'})]);
	assert.equal(ring.entries[0]?.acknowledged, true, 'a repeat stays acknowledged');
	ring.addAll([alert({id: 'a', severity: 'critical', update: true})]);
	assert.equal(ring.entries[0]?.acknowledged, false, 'an escalation is news again');
});
