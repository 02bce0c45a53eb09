// The wall's data shaping, without a screen: layout, tags, chart series, table and log lines,
// header, and the state folded from worker messages (synthetic ones and the demo capture's own).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {protocolFamilies, type Alert, type HostRow, type ProtocolFamily, type Summary, type TrafficCounter} from '../../source/model/messages.js';
import {RateHistory} from '../../source/view/rate-history.js';
import {trafficHistory} from '../ui/ui-test-kit.js';
import {displayWidth} from '../../source/view/display-text.js';
import {closingSummary} from '../../source/view/closing-summary.js';
import {computeWallLayout, hostTableRows, type Rectangle} from '../../source/wall/wall-layout.js';
import {escapeTags, taggedLine, type Segment} from '../../source/wall/tagged-text.js';
import {ageLabel, rateChartData} from '../../source/wall/rate-chart-data.js';
import {hostTableLines} from '../../source/wall/host-table-lines.js';
import {alertLogLine, alertLogLines} from '../../source/wall/alert-log-lines.js';
import {headerSegments} from '../../source/wall/wall-header.js';
import {DetectionTally} from '../../source/wall/detection-tally.js';
import {WallState} from '../../source/wall/wall-state.js';
import {fixturesDirectory} from '../support/repository.js';
import {counterLabel} from '../../source/wall/wall-screen.js';
import {runCli} from '../support/run-cli.js';

const start = Date.parse('2025-03-11T09:14:00Z');

function counters(bytes: Partial<Record<ProtocolFamily, number>>): Record<ProtocolFamily, TrafficCounter> {
	const result = {} as Record<ProtocolFamily, TrafficCounter>;
	for (const family of protocolFamilies) {
		result[family] = {bytes: bytes[family] ?? 0, packets: Math.ceil((bytes[family] ?? 0) / 100)};
	}

	return result;
}

function plain(segments: readonly Segment[]): string {
	return segments.map(segment => segment.text).join('');
}

function host(overrides: Partial<HostRow>): HostRow {
	return {
		address: '192.168.10.23', internal: true, roles: ['miner'], severity: 'high', protocols: ['stratum', 'pool-dns', 'other'],
		peers: 4, flows: 9, packets: 120, bytesIn: 5000, bytesOut: 7000, packetsPerSecond: 2, bitsPerSecond: 12_300,
		firstSeen: start, lastSeen: start + 4000, ...overrides,
	};
}

function alert(overrides: Partial<Alert>): Alert {
	return {
		type: 'alert', id: '00000000000000a1', time: '2025-03-11T09:14:04Z', detection: 'mining', severity: 'high', certainty: 95,
		host: '192.168.10.23', hostRole: 'miner', peer: '198.51.100.77', port: 10128, opener: 'host', peerName: 'gulf.moneroocean.stream',
		direction: 'internal-external', protocol: 'stratum', evidence: ['content: Stratum client methods login'], mitre: null, allowed: false, count: 1,
		...overrides,
	};
}

function summary(overrides: Partial<Summary>): Summary {
	return {
		type: 'summary', time: '2025-03-11T09:14:10Z', source: {kind: 'file', name: 'fixtures/demo.pcapng'},
		totals: {packets: 1431, bytes: 409_000, flows: 81, decodeErrors: 0, truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0},
		rates: {packetsPerSecond: 9, bitsPerSecond: 27_900}, flows: {active: 20, evicted: 0}, hostsTracked: 30, hostsEvicted: 0,
		hostsMatched: 1, hosts: [host({})], protocols: counters({}), alertsOpen: {low: 1, medium: 9, high: 4, critical: 0},
		progress: {bytesRead: 61, fileSize: 100, loops: 0, finished: false}, speed: 50, paused: false, ...overrides,
	};
}

function inside(area: Rectangle, columns: number, rows: number): boolean {
	return area.top >= 0 && area.left >= 0 && area.width > 0 && area.height > 0 && area.left + area.width <= columns && area.top + area.height <= rows;
}

function overlap(a: Rectangle, b: Rectangle): boolean {
	return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

test('a 160x45 wall has LCD counters per severity and the chart beside the host table; every cell used once', () => {
	const layout = computeWallLayout({columns: 160, rows: 45});
	assert.ok(layout);
	assert.deepEqual(layout.counters?.map(counter => counter.severity), ['critical', 'high', 'medium', 'low']);
	assert.ok(layout.detections);
	assert.equal(layout.chart.top, layout.hosts.top, 'chart and hosts side by side');
	assert.equal(layout.alerts.width, 160, 'the alert log spans the screen');
	const areas = [layout.header, ...layout.counters!.map(counter => counter.area), layout.detections, layout.chart, layout.hosts, layout.alerts];
	let cells = 0;
	for (const [index, area] of areas.entries()) {
		assert.ok(inside(area, 160, 45), `area ${index} on screen`);
		cells += area.width * area.height;
		for (const other of areas.slice(index + 1)) {
			assert.ok(!overlap(area, other), `areas ${index} and ${areas.indexOf(other)} overlap`);
		}
	}

	assert.equal(cells, 160 * 45);
	assert.ok(hostTableRows(layout.hosts) >= 10, 'room for ten hosts');
});

test('smaller terminals drop the counters, then stack the panes, then ask for more room', () => {
	const medium = computeWallLayout({columns: 100, rows: 30});
	assert.ok(medium?.counters, 'counters from 100x30');
	const small = computeWallLayout({columns: 80, rows: 24});
	assert.ok(small);
	assert.equal(small.counters, undefined);
	assert.equal(small.detections, undefined);
	assert.ok(small.hosts.top >= small.chart.top + small.chart.height, 'stacked');
	assert.equal(small.alerts.top + small.alerts.height, 24);
	assert.ok(small.alerts.height >= 3);
	assert.equal(computeWallLayout({columns: 59, rows: 30}), undefined);
	assert.equal(computeWallLayout({columns: 100, rows: 15}), undefined);
});

test('network text cannot open a blessed tag: braces are escaped, colour comes only from segments', () => {
	assert.equal(escapeTags('{bold}{red-bg}x{/}'), '{open}bold{close}{open}red-bg{close}x{open}/{close}');
	const line = taggedLine([{text: '▲ HIGH', color: 'red', bold: true}, {text: ' name {blink}'}]);
	assert.equal(line, '{bold}{red-fg}▲ HIGH{/red-fg}{/bold} name {open}blink{close}');
});

test('the chart shows each busy mining or node family in B/s, kB/s or MB/s, never `other`', () => {
	const history = new RateHistory({bucketMilliseconds: 2000, buckets: 120});
	history.add(trafficHistory(start, {stratum: new Array(30).fill(3000), 'bitcoin-p2p': new Array(30).fill(60), other: new Array(30).fill(18_000_000)}));

	const chart = rateChartData(history, 40);
	assert.equal(chart.unit, 'kB/s');
	assert.equal(chart.maxY, undefined);
	assert.deepEqual(chart.series.map(series => series.title), ['Stratum', 'Bitcoin P2P'], 'busiest first; other is left out');
	const stratum = chart.series[0]!;
	assert.equal(stratum.y.length, 40);
	assert.equal(stratum.x.length, 40);
	assert.equal(stratum.x.at(-1), 'now');
	assert.equal(stratum.x[0], '-1m18s');
	assert.equal(stratum.y[0], 0, 'padded on the left before history starts');
	assert.ok(Math.abs(stratum.y.at(-1)! - 1.5) < 1e-9, `1.5 kB/s, got ${stratum.y.at(-1)}`);
	assert.ok(Math.abs(chart.series[1]!.y.at(-1)! - 0.03) < 1e-9);
	assert.deepEqual(rateChartData(history, 40, 1).series.map(series => series.title), ['Stratum'], 'the legend limit keeps the busiest');
});

test('a chart with no mining traffic still has one flat series and a scale', () => {
	const history = new RateHistory();
	history.add(trafficHistory(start, {other: [100, 100_000]}));
	const chart = rateChartData(history, 10);
	assert.equal(chart.series.length, 1);
	assert.deepEqual(chart.series[0]!.y, new Array(10).fill(0));
	assert.equal(chart.maxY, 1);
	assert.equal(ageLabel(90), '-1m30s');
	assert.equal(ageLabel(120), '-2m');
});

test('host table lines are exactly as wide as the widget; narrow widgets drop protocols, peers and rate, not the address', () => {
	const hosts = [host({}), host({address: '2001:db8::1234:5678', severity: undefined, roles: [], internal: false, name: 'pool.{bold}example', protocols: ['pool-tls']})];
	const wide = hostTableLines(hosts, 120);
	assert.equal(displayWidth(wide.header), 120);
	assert.match(wide.header, /^SEV +HOST +ROLE +RATE +PEERS +PROTOCOLS +NAME/);
	for (const line of wide.lines) {
		assert.equal(displayWidth(plain(line)), 120);
	}

	assert.match(plain(wide.lines[0]!), /^▲ HIGH  192\.168\.10\.23 +miner +12\.3 kb\/s +4 +stratum dns +$/);
	assert.deepEqual(wide.lines[0]![0], {text: '▲ HIGH', color: 'red', bold: true});
	assert.match(plain(wide.lines[1]!), /^· +2001:db8::1234:5678 +external .* tls +pool\.\{bold\}example/);
	assert.match(taggedLine(wide.lines[1]!), /pool\.\{open\}bold\{close\}example/);

	// The hosts pane at the wall's design size, 160x45: half the width, less its border.
	const design = hostTableLines(hosts, 77);
	assert.match(design.header, /^SEV +HOST +ROLE +RATE +PEERS +NAME/, 'the name keeps a column at 160x45, protocols go first');
	assert.match(plain(design.lines[1]!), /pool\.\{bold\}example/);

	const narrow = hostTableLines(hosts, 40);
	assert.match(narrow.header, /^SEV +HOST +ROLE/);
	assert.doesNotMatch(narrow.header, /RATE|PEERS|PROTOCOLS/);
	assert.equal(displayWidth(plain(narrow.lines[0]!)), 40);
});

test('alert lines read time, severity, host → peer, detection and evidence, within the width', () => {
	const state = new WallState();
	state.receive(alert({}));
	state.receive(alert({id: '00000000000000b2', severity: 'medium', detection: 'bitcoin-node', host: '192.168.10.10', hostRole: 'node', peer: '198.51.100.11', port: 8333, opener: 'host', peerName: undefined, protocol: 'bitcoin-p2p', evidence: ['content: bitcoin-mainnet P2P messages']}));
	state.receive(alert({severity: 'high', certainty: 98, update: true, count: 2, evidence: ['content: Stratum client methods login, submit']}));
	state.settle();
	const lines = alertLogLines(state.alerts, 200, 10).map(plain);
	assert.equal(lines.length, 2, 'the update replaced its alert, and shows the flows that showed it');
	assert.equal(lines[0], '09:14:04 ▲ HIGH 192.168.10.23 → 198.51.100.77:10128 (gulf.moneroocean.stream) mining Stratum ×2 · content: Stratum client methods login, submit');
	assert.match(lines[1]!, /^09:14:04 ◆ MED  192\.168\.10\.10 → 198\.51\.100\.11:8333 bitcoin-node Bitcoin P2P · content/);
	const short = plain(alertLogLine(state.alerts[0]!, 60));
	assert.ok(displayWidth(short) <= 60);
	assert.ok(short.endsWith('…'));
	assert.match(plain(alertLogLine({alert: alert({allowed: true}), acknowledged: false}, 200)), /▲ HIGH allowed 192\.168\.10\.23/);
	assert.equal(alertLogLines(state.alerts, 200, 1).length, 1, 'no more lines than the log shows');
});

test('alerts are tallied by detection as raised: updates and repeat sightings add nothing', () => {
	const tally = new DetectionTally();
	tally.add(alert({}));
	tally.add(alert({update: true}));
	tally.add(alert({update: true, count: 2}));
	tally.add(alert({id: 'b', detection: 'crypto-node'}));
	tally.add(alert({id: 'c', detection: 'mining-pool-lookup'}));
	assert.deepEqual(tally.bars(), {titles: ['mining', 'pool', 'lookup', 'btc', 'crypto'], data: [1, 0, 1, 0, 1]});
});

test('the header carries source, capture time, rates, replay progress and badges, within the width', () => {
	const input = {summary: summary({}), end: undefined, replay: true, withCounts: false};
	const line = plain(headerSegments(input, 160));
	assert.match(line, /MINEWATCH fixtures\/demo\.pcapng {2}2025-03-11 09:14:10 {2}9 pkt\/s {2}27\.9 kb\/s {2}1,431 packets {2}replay 61% at 50×/);
	assert.doesNotMatch(line, /FINISHED|PAUSED|open/);
	assert.match(plain(headerSegments({...input, summary: summary({paused: true})}, 160)), / PAUSED /);
	const firstPacket = summary({rates: undefined, totals: {...summary({}).totals, packets: 1}});
	assert.match(plain(headerSegments({...input, summary: firstPacket}, 160)), /09:14:10 {2}rate pending {2}1 packet {2}replay/, 'no rate over no capture time');
	const end = {type: 'end', source: {kind: 'file', name: 'fixtures/demo.pcapng'}, packets: 1, bytes: 1, flows: 1, decodeErrors: 0, truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0, corrupt: 0, durationMs: 1, alerts: 14, alertsOpen: {low: 1, medium: 9, high: 4, critical: 0}, reason: 'end-of-file'} as const;
	const small = plain(headerSegments({...input, end, withCounts: true}, 90));
	assert.match(small, /^ MINEWATCH fixtures\S* {2}09:14:10 .* 61% 50× {2}open ✖0 ▲4 ◆9 •1 {2} FINISHED $/, `the header whole at 90 columns: ${small}`);
	const finished = headerSegments({...input, end, withCounts: true}, 160);
	assert.match(plain(finished), / FINISHED /);
	assert.match(plain(finished), /open ✖0 ▲4 ◆9 •1/);
	assert.ok(finished.some(segment => segment.text === '▲4' && segment.color === 'red' && segment.bold));
	for (const width of [60, 80, 100]) {
		assert.ok(displayWidth(plain(headerSegments({...input, end, withCounts: true}, width))) <= width, `fits ${width}`);
	}

	assert.match(plain(headerSegments({...input, summary: undefined}, 100)), /waiting for the first summary/);
});

test('the demo capture, folded into the wall state, shows its miners, their alerts and the closing summary', async () => {
	const run = await runCli(['-r', path.join(fixturesDirectory, 'demo.pcapng'), '--json', '--top', '12']);
	assert.equal(run.exitCode, 0, run.stderr);
	const state = new WallState();
	for (const message of run.messages) {
		state.receive(message);
	}

	assert.ok(state.settle());
	assert.equal(state.settle(), false, 'nothing new after settling');
	const hosts = hostTableLines(state.summary?.hosts ?? [], 90).lines.map(plain);
	assert.ok(hosts.some(line => /192\.168\.10\.23 +miner/.test(line)), hosts.join('\n'));
	const alerts = alertLogLines(state.alerts, 160, 30).map(plain);
	assert.ok(alerts.some(line => /▲ HIGH 192\.168\.10\.23 → [\d.]+:10128 .*mining Stratum/.test(line)), alerts.join('\n'));
	assert.equal(new Set(state.alerts.map(entry => entry.alert.id)).size, state.alerts.length, 'one line per alert id');
	const bars = state.tally.bars();
	assert.equal(bars.data.reduce((sum, count) => sum + count, 0), run.end?.alerts);
	assert.ok(bars.data[0]! >= 3, 'several miners');

	const result = state.result('quit', 1000);
	assert.equal(result.exitCode, 0);
	assert.equal(result.packets, run.end?.packets);
	assert.deepEqual(result.alertsOpen, run.end?.alertsOpen);
	assert.match(closingSummary(result), /^minewatch watched \S*demo\.pcapng for 1s \(capture time .*\), read to the end: /);
});

test('a worker error sets the exit code the wall ends with', () => {
	const state = new WallState();
	state.receive({type: 'error', exitCode: 2, message: 'not a capture file'});
	const result = state.result('worker-error', 10);
	assert.equal(result.exitCode, 2);
	assert.equal(result.error?.message, 'not a capture file');
	assert.equal(new WallState().result('internal-error', 10, 'boom').exitCode, 1);
});

test('each LCD counter\'s label fits on its top border at every size that has counters (blessed wraps the rest over the digits)', () => {
	let checked = 0;
	for (const size of [{columns: 100, rows: 30}, {columns: 119, rows: 45}, {columns: 160, rows: 45}, {columns: 200, rows: 60}, {columns: 250, rows: 70}]) {
		for (const {severity, area} of computeWallLayout(size)!.counters ?? []) {
			const label = counterLabel(severity, area.width);
			assert.ok(displayWidth(` ${label} `) <= area.width - 3, `${size.columns}x${size.rows}: "${label}" in a ${area.width}-column box`);
			checked++;
		}
	}

	assert.equal(checked, 20, 'four counters at each of the five sizes');
	const roomy = computeWallLayout({columns: 250, rows: 70})!.counters![0]!;
	assert.match(counterLabel(roomy.severity, roomy.area.width), / open$/, 'a wide counter says what it counts');
});
