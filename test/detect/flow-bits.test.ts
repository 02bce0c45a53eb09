import {test} from 'node:test';
import assert from 'node:assert/strict';
import {FlowBits} from '../../source/detect/flow-bits.js';

test('bits by flow id, for recent flows and for flows outlived by many newer ones', () => {
	const bits = new FlowBits();
	bits.set(1, 5);
	for (let id = 2; id < 300_000; id++) {
		bits.set(id, id & 0xff);
		if (id % 3 === 0) bits.delete(id);
	}
	assert.equal(bits.get(1), 5);
	assert.equal(bits.get(2), 2);
	assert.equal(bits.get(3), undefined);
	assert.equal(bits.get(299_997), undefined);
	assert.equal(bits.get(299_998), 299_998 & 0xff);
	bits.set(1, 7);
	assert.equal(bits.get(1), 7);
	bits.delete(1);
	assert.equal(bits.get(1), undefined);
	assert.equal(bits.get(400_000), undefined);
	bits.set(1 + (1 << 16) * 9, 3);
	assert.equal(bits.get(1 + (1 << 16) * 9), 3);
	assert.equal(bits.get(2), 2);
});
