import {test} from 'node:test';
import assert from 'node:assert/strict';
import {computeLayout} from '../../source/view/layout.js';
import {chooseHostColumns} from '../../source/ui/host-columns.js';
import {displayWidth, fit} from '../../source/view/display-text.js';
import {host} from '../ui/ui-test-kit.js';

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

const demoRows = [
	host('192.168.10.23', {roles: ['miner'], severity: 'high', protocols: ['stratum', 'pool-dns']}),
	host('192.168.10.10', {roles: ['node'], severity: 'high', protocols: ['bitcoin-p2p']}),
	host('203.0.113.23', {name: 'update.googleapis.com'}),
];

/** Columns a row of the table takes: severity, the address and each cell, with their gaps. */
function usedWidth(set: ReturnType<typeof chooseHostColumns>): number {
	return 7 + set.addressWidth + set.columns.reduce((total, sized) => total + set.gap + sized.width, 0);
}

test('narrow tables keep severity and address and drop the least useful columns', () => {
	const wide = chooseHostColumns(160, demoRows, 0).columns.map(sized => sized.column.id);
	assert.deepEqual(wide, ['side', 'roles', 'protocols', 'peers', 'bytesIn', 'bytesOut', 'packetRate', 'lastSeen']);
	const narrow = chooseHostColumns(60, demoRows, 0).columns.map(sized => sized.column.id);
	assert.ok(narrow.every(id => id !== 'lastSeen' && id !== 'packetRate'));
	assert.ok(narrow.includes('roles'));
	for (const width of [60, 80, 100, 160, 250]) {
		const used = usedWidth(chooseHostColumns(width, demoRows, 0));
		assert.ok(used <= width, `${used} columns used at ${width}`);
	}
});

test('columns are as wide as what they hold, and a wide terminal spreads the rest between them', () => {
	const bare = chooseHostColumns(180, [host('192.168.10.23')], 0);
	assert.equal(bare.addressWidth, 13, 'a 13-character address gets 13 columns, not 64');
	const named = chooseHostColumns(180, demoRows, 0);
	assert.equal(named.addressWidth, '203.0.113.23 (update.googleapis.com)'.length, 'the name gets the room it needs');
	const widths = Object.fromEntries(named.columns.map(sized => [sized.column.id, sized.width]));
	assert.equal(widths.roles, 'miner'.length);
	assert.equal(widths.protocols, 'stratum,dns'.length);
	const crowded = chooseHostColumns(180, [host('10.0.0.1', {roles: ['miner', 'pool', 'node'], protocols: ['stratum', 'pool-dns', 'pool-tls', 'bitcoin-p2p']})], 0);
	const crowdedWidths = Object.fromEntries(crowded.columns.map(sized => [sized.column.id, sized.width]));
	assert.equal(crowdedWidths.roles, 'miner,pool,node'.length, 'roles are not cut at a fixed width');
	assert.equal(crowdedWidths.protocols, 'stratum,dns,tls,btc'.length);
	for (const width of [180, 250]) {
		const set = chooseHostColumns(width, demoRows, 0);
		const used = usedWidth(set);
		assert.ok(set.gap > 1, `spread at ${width}`);
		assert.ok(used <= width && width - used < set.columns.length, `${used} of ${width} columns used`);
	}
});

test('the host table and the alert pane share the rows by content, and fill the body', () => {
	const filled = (layout: ReturnType<typeof computeLayout>): number => 2 + 1 + (2 + layout.hostRows) + (1 + layout.sparklineLines) + (1 + layout.alertRows);
	// The demo at 180x50: 45 hosts and 14 alerts.
	const demo = computeLayout({columns: 180, rows: 50}, {hosts: 45, alerts: 14});
	assert.equal(demo.alertRows, 14, 'every alert shows');
	assert.equal(filled(demo), 49);
	assert.ok(demo.hostRows > 20, `${demo.hostRows} host rows`);
	const fewHosts = computeLayout({columns: 100, rows: 40}, {hosts: 3, alerts: 100});
	assert.equal(fewHosts.hostRows, 3);
	assert.equal(filled(fewHosts), 39);
	const both = computeLayout({columns: 100, rows: 40}, {hosts: 300, alerts: 100});
	assert.ok(both.hostRows > both.alertRows && both.alertRows > 5, 'both crowded: a share each');
	const empty = computeLayout({columns: 100, rows: 40}, {hosts: 0, alerts: 0});
	assert.equal(empty.hostRows, 2, 'two rows for the table while it is empty');
	assert.equal(filled(empty), 39);
	const wideCrowded = computeLayout({columns: 180, rows: 50}, {hosts: 300, alerts: 100});
	assert.equal(wideCrowded.sparklineColumns, 2, 'a wide terminal puts the sparklines side by side for crowded panes');
	assert.equal(filled(wideCrowded), 49);
});

test('cells are fitted by display width, wide characters included', () => {
	assert.equal(fit('abc', 5), 'abc  ');
	assert.equal(fit('abc', 5, 'right'), '  abc');
	assert.equal(fit('abcdef', 4), 'abc…');
	assert.equal(displayWidth(fit('矿池矿池矿池', 7)), 7);
	assert.equal(fit('a\u001B]0;x\u0007', 8), 'a\ufffd]0;x\ufffd ');
});
