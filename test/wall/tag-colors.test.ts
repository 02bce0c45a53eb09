// blessed prints a tag it does not know as text (`{brightred-fg}` shows up on screen), so every
// colour the wall's lines carry is checked against blessed's own attribute parser.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import blessed from 'blessed';
import {severities, type Summary} from '../../source/model/messages.js';
import {AlertRing} from '../../source/view/alert-ring.js';
import {alertLogLine} from '../../source/wall/alert-log-lines.js';
import {headerSegments} from '../../source/wall/wall-header.js';
import {hostTableLines} from '../../source/wall/host-table-lines.js';
import {taggedLine} from '../../source/wall/tagged-text.js';
import {severityTagColors} from '../../source/wall/wall-colors.js';

interface AttributeParser {
	_attr(name: string): string | null;
	destroy(): void;
}

test('every colour in the wall\'s header, table and log lines is a blessed tag colour', () => {
	const segments = [];
	const ring = new AlertRing();
	for (const severity of severities) {
		ring.addAll([{
			type: 'alert', id: severity, time: '2025-03-11T09:14:04Z', detection: 'mining', severity, certainty: 95, host: '10.0.0.1',
			hostRole: 'miner', peer: '192.0.2.1', port: 3333, opener: 'host', direction: 'internal-external', protocol: 'stratum', evidence: [], mitre: null, allowed: true, count: 1,
		}]);
		segments.push(...hostTableLines([{
			address: '10.0.0.1', internal: true, roles: ['miner'], severity, protocols: [], peers: 1, flows: 1, packets: 1, bytesIn: 1, bytesOut: 1,
			packetsPerSecond: 1, bitsPerSecond: 1, firstSeen: 0, lastSeen: 0,
		}], 100).lines.flat());
	}

	segments.push(...ring.entries.flatMap(entry => alertLogLine(entry, 100)));
	const summary: Summary = {
		type: 'summary', time: '2025-03-11T09:14:10Z', source: {kind: 'live', name: 'eth0'}, speed: 1, paused: true,
		totals: {packets: 1, bytes: 1, flows: 1, decodeErrors: 0, truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0},
		rates: {packetsPerSecond: 1, bitsPerSecond: 1}, flows: {active: 1, evicted: 0}, hostsTracked: 1, hostsEvicted: 0, hostsMatched: 0, hosts: [],
		protocols: {'bitcoin-p2p': {packets: 0, bytes: 0}, stratum: {packets: 0, bytes: 0}, 'stratum-v2': {packets: 0, bytes: 0}, getwork: {packets: 0, bytes: 0}, 'monero-p2p': {packets: 0, bytes: 0}, 'pool-dns': {packets: 0, bytes: 0}, 'pool-tls': {packets: 0, bytes: 0}, other: {packets: 0, bytes: 0}},
		alertsOpen: {low: 1, medium: 1, high: 1, critical: 1},
	};
	segments.push(...headerSegments({summary, end: undefined, replay: false, withCounts: true}, 200));
	segments.push(...headerSegments({summary, end: {type: 'end', source: summary.source, packets: 1, bytes: 1, flows: 1, decodeErrors: 0, truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0, corrupt: 0, durationMs: 1, alerts: 4, alertsOpen: summary.alertsOpen, reason: 'stopped'}, replay: false, withCounts: true}, 200));

	const colors = new Set(segments.flatMap(segment => segment.color === undefined ? [] : [segment.color]));
	for (const color of [...Object.values(severityTagColors), 'green', 'gray']) {
		assert.ok(colors.has(color), `${color} among ${[...colors].join(' ')}`);
	}

	const output = Object.assign(new PassThrough(), {isTTY: true, columns: 80, rows: 24});
	// `_attr` is the parser blessed runs on every tag; @types/blessed does not declare it.
	const program = blessed.program({input: new PassThrough(), output, tput: false, terminal: 'xterm-256color'} as unknown as Parameters<typeof blessed.program>[0]) as unknown as AttributeParser;
	try {
		for (const color of colors) {
			// Tags name colours with dashes; the parser reads them with spaces, as it does itself.
			assert.notEqual(program._attr(`${color.replaceAll('-', ' ')} fg`), null, `{${color}-fg}`);
		}

		assert.equal(program._attr('brightred fg'), null, 'the parser does reject unknown colours');
		assert.match(taggedLine([{text: 'x', color: 'light-red'}]), /^\{light-red-fg\}x\{\/light-red-fg\}$/);
	} finally {
		program.destroy();
	}
});
