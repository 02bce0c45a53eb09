import assert from 'node:assert/strict';
import {test} from 'node:test';
import {AlertBook, type AlertDraft} from '../../source/detect/alert-book.js';
import type {Alert} from '../../source/model/messages.js';

function draft(peer: string, allowed = false, flowId = 1): AlertDraft {
	return {
		detection: 'bitcoin-node',
		certainty: 90,
		host: '192.0.2.1',
		hostRole: 'node',
		peer,
		port: 8333,
		opener: 'host',
		flowId,
		direction: 'external-external',
		protocol: 'bitcoin-p2p',
		evidence: ['content: bitcoin-mainnet P2P messages with valid checksums'],
		mitre: null,
		allowed,
		timeMicros: 1_700_000_000_000_000,
	};
}

test('a flood of distinct alerts is bounded: the oldest are forgotten and leave the open counts', () => {
	const emitted: Alert[] = [];
	const book = new AlertBook(alert => emitted.push(alert), 3);
	for (let index = 0; index < 5; index++) book.record(draft(`198.51.100.${index}`));
	assert.equal(book.count, 5, 'every distinct alert raised is counted');
	assert.equal(emitted.length, 5);
	assert.deepEqual(book.openCounts(), {low: 3, medium: 0, high: 0, critical: 0}, 'only the three remembered stay open');
	book.record(draft('198.51.100.4'));
	assert.equal(emitted.length, 5, 'a remembered alert is not raised again');
	book.record(draft('198.51.100.0'));
	assert.equal(emitted.length, 6, 'a forgotten alert is raised again, with the same id');
	assert.equal(emitted[5]!.id, emitted[0]!.id);
	assert.equal(emitted[5]!.update, undefined);
});

test('forgetting an allowed alert leaves the open counts alone', () => {
	const book = new AlertBook(() => {}, 1);
	book.record(draft('198.51.100.1', true));
	book.record(draft('198.51.100.2'));
	assert.deepEqual(book.openCounts(), {low: 1, medium: 0, high: 0, critical: 0});
});

test('a newer flow showing an alert again counts as a sighting and is sent as an update; the same or an older flow is not', () => {
	const emitted: Alert[] = [];
	const book = new AlertBook(alert => emitted.push(alert));
	book.record(draft('198.51.100.1', false, 5));
	book.record(draft('198.51.100.1', false, 5));
	book.record(draft('198.51.100.1', false, 4));
	assert.deepEqual(emitted.map(alert => [alert.count, alert.update]), [[1, undefined]], 'the raising flow and older ones add nothing');
	book.record({...draft('198.51.100.1', false, 9), timeMicros: 1_700_000_060_000_000});
	assert.deepEqual(emitted.map(alert => [alert.id, alert.count, alert.update, alert.time]), [
		[emitted[0]!.id, 1, undefined, '2023-11-14T22:13:20.000Z'],
		[emitted[0]!.id, 2, true, '2023-11-14T22:14:20.000Z'],
	]);
	assert.equal(book.count, 1, 'still one distinct alert');
	assert.deepEqual(book.openCounts(), {low: 1, medium: 0, high: 0, critical: 0}, 'a sighting opens nothing new');
});

test('another port is another alert: each alert names one connection', () => {
	const emitted: Alert[] = [];
	const book = new AlertBook(alert => emitted.push(alert));
	book.record(draft('198.51.100.1'));
	book.record({...draft('198.51.100.1', false, 2), port: 8433});
	assert.deepEqual(emitted.map(alert => [alert.port, alert.count, alert.update]), [[8333, 1, undefined], [8433, 1, undefined]]);
	assert.notEqual(emitted[0]!.id, emitted[1]!.id);
});
