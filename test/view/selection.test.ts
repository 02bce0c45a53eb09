// Selection and scrolling shared by every list on screen.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {clampIndex, followSelection, moveSelection} from '../../source/view/selection.js';

test('a selection stays within the list, an empty one at 0', () => {
	assert.equal(clampIndex(-3, 10), 0);
	assert.equal(clampIndex(12, 10), 9);
	assert.equal(clampIndex(4, 10), 4);
	assert.equal(clampIndex(5, 0), 0);
});

test('each movement lands within the list, pages by the page size', () => {
	assert.deepEqual(
		(['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom'] as const).map(movement => moveSelection(5, 20, movement, 8)),
		[4, 6, 0, 13, 0, 19],
	);
	assert.equal(moveSelection(15, 20, 'pageDown', 8), 19);
	assert.equal(moveSelection(0, 20, 'up', 8), 0);
});

test('the window moves only as far as it must to show the selection', () => {
	assert.equal(followSelection(3, 0, 5), 0, 'already shown');
	assert.equal(followSelection(7, 0, 5), 3, 'below: the selection becomes the last row');
	assert.equal(followSelection(2, 6, 5), 2, 'above: the selection becomes the first row');
});
