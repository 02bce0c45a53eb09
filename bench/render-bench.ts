// The UI's cost on the main thread: the real monitor (store + Ink) mounted on a fake 200x60
// terminal, fed summaries for 10,000 tracked hosts four times a second and 20 alerts a second,
// as the capture worker would. Reports main-thread CPU per second of wall time (and the whole
// process's) and time per render, after a warm-up.
// The screen is in its steady state, in colour: the window the worker sends is sorted by severity (the
// default), so the miners and their coloured severity lead the table; hosts were last seen
// minutes ago in capture time; the sparklines hold six minutes of history.
import {performance} from 'node:perf_hooks';
import type {ControlMessage, HostRow, HostView, ProtocolFamily, Summary, TrafficCounter, TrafficHistory, WorkerMessage} from '../source/model/messages.js';
import {protocolFamilies} from '../source/model/messages.js';
import type {MonitorConnection} from '../source/model/monitor-connection.js';
import {fakeTerminal} from './fake-terminal.js';
import {median, quantile} from './statistics.js';
import {mainThreadCpuSeconds, processCpuSeconds} from './thread-cpu.js';

const columns = 200;
const rows = 60;
const hostCount = 10_000;
const warmupSeconds = 5;
const seconds = 10;
const summariesPerSecond = 4;
const alertsPerSummary = 5;
const historySeconds = 360;

function host(index: number): HostRow {
	const miner = index % 50 === 0;
	return {
		address: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
		name: index % 3 === 0 ? `host-${index}.example.net` : undefined,
		internal: true,
		roles: miner ? ['miner'] : [],
		severity: miner ? 'high' : undefined,
		protocols: miner ? ['stratum', 'other'] : ['other'],
		peers: index % 7,
		flows: 1 + (index % 5),
		packets: 100 + index,
		bytesIn: 1000 * index,
		bytesOut: 500 * index,
		packetsPerSecond: index % 13,
		bitsPerSecond: 8000 * (index % 13),
		firstSeen: 0,
		lastSeen: 0,
	};
}

/** The severity order the worker sends by default: miners first. */
function bySeverity(a: HostRow, b: HostRow): number {
	return (b.severity === undefined ? 0 : 1) - (a.severity === undefined ? 0 : 1);
}

function seenBefore(row: HostRow, index: number, captureMillis: number): HostRow {
	const lastSeen = captureMillis - (index % 600) * 1000;
	return {...row, firstSeen: lastSeen - 3_600_000, lastSeen};
}

/** CPU per second of wall time, as shares of one core, over the next `seconds`. */
interface CpuShares {
	main: number;
	process: number;
}

async function cpuOver(seconds: number): Promise<CpuShares> {
	const mainBefore = mainThreadCpuSeconds();
	const processBefore = processCpuSeconds();
	const wallBefore = performance.now();
	await new Promise(resolve => setTimeout(resolve, seconds * 1000));
	const wallSeconds = (performance.now() - wallBefore) / 1000;
	return {main: (mainThreadCpuSeconds() - mainBefore) / wallSeconds, process: (processCpuSeconds() - processBefore) / wallSeconds};
}

function percentOfCore(share: number): string {
	return `${(100 * share).toFixed(1)}%`;
}

/** Median milliseconds per render. */
export async function runRenderBench(log: (line: string) => void): Promise<number> {
	process.env['NODE_ENV'] ??= 'production';
	// The UI on a terminal is drawn in colour, which costs Ink more per frame; measure that whether
	// or not the benchmark's own output is piped (Ink's colour library reads this when it loads).
	process.env['FORCE_COLOR'] ??= '1';
	const {mountMonitor, MonitorStore} = await import('../source/ui/run-ui.js');
	const hosts = Array.from({length: hostCount}, (_, index) => host(index)).sort(bySeverity);
	const listeners = new Set<(message: WorkerMessage) => void>();
	let view: HostView = {sort: 'severity', reverse: false, filter: '', offset: 0, limit: rows};
	// The bench's worker never exits and its first message is whatever the loop below sends first.
	let firstSent: (message: WorkerMessage) => void = () => undefined;
	const first = new Promise<WorkerMessage>(resolve => {
		firstSent = resolve;
	});
	const connection: MonitorConnection = {
		exited: new Promise(() => undefined),
		async firstMessage() {
			return first;
		},
		onMessage(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		send(message: ControlMessage) {
			if (message.type === 'view') {
				view = message.view;
			}
		},
	};
	const store = new MonitorStore(connection, {replay: true, speed: 1, size: {columns, rows}});
	store.start();
	const renderTimes: number[] = [];
	const instance = mountMonitor(store, {...fakeTerminal(columns, rows), onRender: metrics => renderTimes.push(metrics.renderTime)});
	const counters = Object.fromEntries(protocolFamilies.map(family => [family, {packets: 0, bytes: 0}])) as Record<ProtocolFamily, TrafficCounter>;
	let step = 0;
	let captureMillis = Date.parse('2026-11-30T12:00:00Z');
	/** Moves the counters on by one step of traffic and returns that step as a history of one bucket. */
	const advanceCounters = (start: number, milliseconds: number): TrafficHistory => {
		const history: TrafficHistory = {start, bucketMilliseconds: milliseconds, bytes: {} as Record<ProtocolFamily, number[]>, packets: {} as Record<ProtocolFamily, number[]>};
		protocolFamilies.forEach((family, index) => {
			const bytes = (step % (index + 3)) * 1000;
			counters[family].bytes += bytes;
			counters[family].packets += 10;
			history.bytes[family] = [bytes];
			history.packets[family] = [10];
		});
		return history;
	};

	for (let second = 0; second <= historySeconds; second++) {
		step++;
		store.getSnapshot().history.add(advanceCounters(captureMillis - (historySeconds - second) * 1000, 1000));
	}

	const emit = (message: WorkerMessage) => {
		firstSent(message);
		for (const listener of listeners) {
			listener(message);
		}
	};

	const timer = setInterval(() => {
		step++;
		const history = advanceCounters(captureMillis, 1000 / summariesPerSecond);
		captureMillis += 1000 / summariesPerSecond;
		const summary: Summary = {
			type: 'summary',
			time: new Date(captureMillis).toISOString(),
			source: {kind: 'live', name: 'eth0'},
			totals: {packets: step * 100, bytes: step * 10_000, flows: hostCount, decodeErrors: 0, truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0},
			rates: {packetsPerSecond: 40_000, bitsPerSecond: 320_000_000},
			flows: {active: hostCount, evicted: 0},
			hostsTracked: hostCount,
			hostsEvicted: 0,
			hostsMatched: hostCount,
			hosts: hosts.slice(view.offset, view.offset + view.limit).map((row, index) => ({...seenBefore(row, view.offset + index, captureMillis), packets: row.packets + step})),
			protocols: structuredClone(counters),
			history,
			alertsOpen: {low: 0, medium: 0, high: 200, critical: 0},
			speed: 1,
			paused: false,
		};
		emit(summary);
		for (let index = 0; index < alertsPerSummary; index++) {
			const miner = hosts[((step * alertsPerSummary) + index) % (hostCount / 50)]!;
			emit({
				type: 'alert',
				id: `mining-${miner.address}`,
				time: summary.time!,
				detection: 'mining',
				severity: 'high',
				certainty: 90,
				host: miner.address,
				hostRole: 'miner',
				peer: '203.0.113.7',
				port: 3333,
				opener: 'host',
				direction: 'internal-external',
				protocol: 'stratum',
				evidence: ['content: Stratum mining.subscribe answered by mining.notify'],
				mitre: {tactic: 'TA0040', technique: 'T1496.001'},
				allowed: false,
				count: 1,
			});
		}
	}, 1000 / summariesPerSecond);

	// The first seconds compile the UI's code (V8's compiler threads are busy then): reported apart,
	// since a monitor runs for hours.
	const warmup = await cpuOver(warmupSeconds);
	const warmupRenders = renderTimes.length;
	renderTimes.length = 0;
	const steady = await cpuOver(seconds);
	clearInterval(timer);
	instance.unmount();
	store.dispose();
	const medianMillis = median(renderTimes);
	const p90 = quantile(renderTimes, 0.9);
	log(`UI at ${columns}x${rows}, ${hostCount.toLocaleString('en')} hosts tracked, ${summariesPerSecond} summaries/s, ${summariesPerSecond * alertsPerSummary} alerts/s, ${seconds} s after ${warmupSeconds} s of warm-up:`);
	log(`  main-thread CPU ${percentOfCore(steady.main)} of one core (target under 10%); the whole process, V8's compiler and collector threads too, ${percentOfCore(steady.process)}`);
	log(`  ${renderTimes.length} renders, median ${medianMillis.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms per render (target under 20 ms)`);
	log(`  the warm-up's ${warmupSeconds} s (${warmupRenders} renders, the first frame included): main thread ${percentOfCore(warmup.main)}, the whole process ${percentOfCore(warmup.process)}`);
	return medianMillis;
}
