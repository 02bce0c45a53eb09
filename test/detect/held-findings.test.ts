import {test} from 'node:test';
import assert from 'node:assert/strict';
import {HeldFindings, type FlowFacts} from '../../source/detect/held-findings.js';
import type {Finding} from '../../source/detect/detector.js';

function facts(timeMicros: number): FlowFacts {
	return {flowId: 1, clientAddress: '10.0.0.5', serverAddress: '198.51.100.9', clientPort: 50_000, serverPort: 3333, timeMicros};
}

function finding(certainty: number): Finding {
	return {kind: 'mining', protocol: 'stratum', actor: 'client', certainty, evidence: [`content: certainty ${certainty}`]};
}

test('held findings come due in the order first held, a replaced one keeping its deadline', () => {
	const held = new HeldFindings<number, Finding>(1000);
	assert.equal(held.hold(1, facts(0), finding(70)), 1000);
	assert.equal(held.hold(2, facts(500), finding(70)), 1500);
	assert.equal(held.hold(1, facts(900), finding(95)), 1000, 'a later stage of the same exchange does not postpone it');
	const released: Array<[number, number]> = [];
	assert.equal(held.releaseDue(999, (key, entry) => released.push([key, entry.value.certainty])), 1000);
	assert.equal(released.length, 0);
	assert.equal(held.releaseDue(1000, (key, entry) => released.push([key, entry.value.certainty])), 1500);
	assert.deepEqual(released, [[1, 95]]);
	assert.equal(held.size, 1);
});

test('a finding taken back is not released; releasing everything empties the set', () => {
	const held = new HeldFindings<string, Finding>(1000);
	held.hold('a', facts(0), finding(70));
	held.hold('b', facts(10), finding(70));
	held.hold('c', facts(20), finding(70));
	assert.equal(held.take('b')?.value.certainty, 70);
	assert.equal(held.take('b'), undefined);
	const released: string[] = [];
	assert.equal(held.releaseDue(Number.POSITIVE_INFINITY, (key) => released.push(key)), Number.POSITIVE_INFINITY);
	assert.deepEqual(released, ['a', 'c']);
	assert.equal(held.size, 0);
});

test('a finding taken back and held again under the same key is released once, at its new deadline', () => {
	const held = new HeldFindings<string, Finding>(1000);
	held.hold('a', facts(0), finding(70));
	held.take('a');
	held.hold('a', facts(500), finding(95));
	const released: Array<[string, number]> = [];
	assert.equal(held.releaseDue(1000, (key, entry) => released.push([key, entry.value.certainty])), 1500);
	assert.equal(released.length, 0);
	held.releaseDue(1500, (key, entry) => released.push([key, entry.value.certainty]));
	assert.deepEqual(released, [['a', 95]]);
});

test('releasing from a long queue of findings taken back stays with the live ones', () => {
	const held = new HeldFindings<number, Finding>(1000);
	for (let key = 0; key < 5000; key++) {
		held.hold(key, facts(key), finding(70));
		if (key % 100 !== 0) held.take(key);
	}
	const released: number[] = [];
	assert.equal(held.releaseDue(2500, (key) => released.push(key)), 2600);
	assert.deepEqual(released, Array.from({length: 16}, (_, index) => index * 100));
	assert.equal(held.size, 34);
});
