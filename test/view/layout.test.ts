import {test} from 'node:test';
import assert from 'node:assert/strict';
import {computeLayout} from '../../source/view/layout.js';
import {chooseHostColumns} from '../../source/ui/host-columns.js';
import {displayWidth, fit} from '../../source/view/display-text.js';

test('the panes fill at most rows - 1 lines at every supported size', () => {
	for (let rows = 15; rows <= 80; rows++) {
		const layout = computeLayout({columns: 100, rows});
		const used = 2 + 1 + (2 + layout.hostRows) + (1 + layout.sparklineLines) + (1 + layout.alertRows);
		assert.equal(layout.tooSmall, false);
		assert.ok(used <= rows - 1, `${used} lines at ${rows} rows`);
		assert.ok(layout.hostRows >= 2 && layout.alertRows >= 1);
	}

	assert.equal(computeLayout({columns: 59, rows: 40}).tooSmall, true);
	assert.equal(computeLayout({columns: 120, rows: 14}).tooSmall, true);
});

test('narrow tables keep severity and address and drop the least useful columns', () => {
	const wide = chooseHostColumns(160).columns.map(column => column.id);
	assert.deepEqual(wide, ['side', 'roles', 'protocols', 'peers', 'bytesIn', 'bytesOut', 'packetRate', 'lastSeen']);
	const narrow = chooseHostColumns(60);
	assert.ok(narrow.columns.every(column => column.id !== 'lastSeen' && column.id !== 'packetRate'));
	assert.ok(narrow.columns.some(column => column.id === 'roles'));
	for (const width of [60, 80, 100, 160]) {
		const set = chooseHostColumns(width);
		const used = 7 + set.addressWidth + set.columns.reduce((total, column) => total + column.width + 1, 0);
		assert.ok(used <= width + 1, `${used} columns used at ${width}`);
	}
});

test('cells are fitted by display width, wide characters included', () => {
	assert.equal(fit('abc', 5), 'abc  ');
	assert.equal(fit('abc', 5, 'right'), '  abc');
	assert.equal(fit('abcdef', 4), 'abc…');
	assert.equal(displayWidth(fit('矿池矿池矿池', 7)), 7);
	assert.equal(fit('a\u001B]0;x\u0007', 8), 'a\ufffd]0;x\ufffd ');
});
