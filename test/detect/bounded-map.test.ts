import {test} from 'node:test';
import assert from 'node:assert/strict';
import {BoundedMap} from '../../source/detect/bounded-map.js';

test('a full map forgets the oldest key first, and replacing a value does not make a key younger', () => {
	const map = new BoundedMap<string, number>(3);
	map.set('a', 1);
	map.set('b', 2);
	map.set('c', 3);
	map.set('a', 10);
	map.set('d', 4);
	assert.equal(map.size, 3);
	assert.equal(map.get('a'), undefined);
	assert.deepEqual(['b', 'c', 'd'].map((key) => map.get(key)), [2, 3, 4]);
	map.set('e', 5);
	map.set('f', 6);
	map.set('g', 7);
	assert.deepEqual(['e', 'f', 'g'].map((key) => map.get(key)), [5, 6, 7]);
	assert.equal(map.get('d'), undefined);
	assert.equal(map.size, 3);
});

test('the map keeps working through many generations of keys', () => {
	const map = new BoundedMap<number, number>(1000);
	for (let key = 0; key < 25_000; key++) map.set(key, key * 2);
	assert.equal(map.size, 1000);
	assert.equal(map.get(24_000), 48_000);
	assert.equal(map.get(23_999), undefined);
});
