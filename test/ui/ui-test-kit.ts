// Shared by the UI tests: a fake worker connection, message builders with addresses and names
// taken from the real mining capture, and a poll helper for Ink's asynchronous renders.
import type {Alert, ControlMessage, HostDetail, HostRow, HostView, ProtocolFamily, Summary, TrafficCounter, TrafficHistory, WorkerMessage} from '../../source/model/messages.js';
import {protocolFamilies} from '../../source/model/messages.js';
import type {MonitorConnection} from '../../source/model/monitor-connection.js';

export class FakeConnection implements MonitorConnection {
	readonly sent: ControlMessage[] = [];
	/** Called after each control message is recorded, like a worker receiving it. */
	responder: ((message: ControlMessage) => void) | undefined;
	private readonly listeners = new Set<(message: WorkerMessage) => void>();
	private resolveFirst: ((message: WorkerMessage) => void) | undefined;
	private readonly first = new Promise<WorkerMessage>(resolve => {
		this.resolveFirst = resolve;
	});

	private resolveExited: (() => void) | undefined;
	/** Settles with the first end record emitted, as the worker exits after it. */
	readonly exited = new Promise<void>(resolve => {
		this.resolveExited = resolve;
	});

	async firstMessage(): Promise<WorkerMessage> {
		return this.first;
	}

	onMessage(listener: (message: WorkerMessage) => void): () => void {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	}

	send(message: ControlMessage): void {
		this.sent.push(message);
		this.responder?.(message);
	}

	emit(message: WorkerMessage): void {
		this.resolveFirst?.(message);
		if (message.type === 'end') {
			this.resolveExited?.();
		}

		for (const listener of this.listeners) {
			listener(message);
		}
	}

	get listenerCount(): number {
		return this.listeners.size;
	}

	lastView(): Extract<ControlMessage, {type: 'view'}>['view'] | undefined {
		for (let index = this.sent.length - 1; index >= 0; index--) {
			const message = this.sent[index];
			if (message?.type === 'view') {
				return message.view;
			}
		}

		return undefined;
	}
}

export async function waitFor(predicate: () => boolean, what = 'condition', timeoutMilliseconds = 3000): Promise<void> {
	const deadline = Date.now() + timeoutMilliseconds;
	while (!predicate()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}

		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

export function delay(milliseconds: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, milliseconds));
}

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	pageDown: '\u001B[6~',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	space: ' ',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;

const captureStart = Date.parse('2017-01-17T12:17:01.797Z');

/** A summary's traffic history: `bytesPerBucket` per family (packets: a hundred bytes each), from `start`. */
export function trafficHistory(start: number, bytesPerBucket: Partial<Record<ProtocolFamily, number[]>>, bucketMilliseconds = 2000): TrafficHistory {
	const length = Math.max(0, ...Object.values(bytesPerBucket).map(values => values.length));
	const bytes = {} as Record<ProtocolFamily, number[]>;
	const packets = {} as Record<ProtocolFamily, number[]>;
	for (const family of protocolFamilies) {
		bytes[family] = Array.from({length}, (_, index) => bytesPerBucket[family]?.[index] ?? 0);
		packets[family] = bytes[family].map(value => Math.ceil(value / 100));
	}

	return {start, bucketMilliseconds, bytes, packets};
}

export function counters(bytesPerFamily: Partial<Record<ProtocolFamily, number>> = {}): Record<ProtocolFamily, TrafficCounter> {
	const result = {} as Record<ProtocolFamily, TrafficCounter>;
	for (const family of protocolFamilies) {
		const bytes = bytesPerFamily[family] ?? 0;
		result[family] = {bytes, packets: Math.ceil(bytes / 100)};
	}

	return result;
}

export function host(address: string, fields: Partial<HostRow> = {}): HostRow {
	return {
		address,
		internal: address.startsWith('192.168.'),
		roles: [],
		protocols: ['other'],
		peers: 1,
		flows: 1,
		packets: 10,
		bytesIn: 1000,
		bytesOut: 2000,
		packetsPerSecond: 1,
		bitsPerSecond: 800,
		firstSeen: captureStart,
		lastSeen: captureStart + 5000,
		...fields,
	};
}

/** The hosts of mining.pcapng: three miners and four pools. */
export const miningHosts: HostRow[] = [
	host('192.168.2.148', {roles: ['miner'], severity: 'high', protocols: ['stratum'], peers: 2, bytesIn: 143_000, bytesOut: 13_000}),
	host('94.23.199.191', {roles: ['pool'], severity: 'high', protocols: ['stratum'], name: 'zec.pool.example'}),
	host('192.168.2.92', {roles: ['miner'], severity: 'high', protocols: ['stratum'], bytesIn: 11_000, bytesOut: 8859}),
	host('178.32.196.217', {roles: ['pool'], severity: 'medium', protocols: ['stratum']}),
	host('147.229.13.222', {roles: ['miner'], severity: 'medium', protocols: ['stratum'], bytesIn: 20_000, bytesOut: 10_000}),
	host('185.71.66.39', {roles: ['pool'], severity: 'medium', protocols: ['stratum']}),
	host('192.168.2.1'),
];

export function summary(fields: Partial<Summary> = {}): Summary {
	const hosts = fields.hosts ?? miningHosts;
	return {
		type: 'summary',
		time: new Date(captureStart + 10_000).toISOString(),
		source: {kind: 'file', name: 'mining.pcapng'},
		totals: {packets: 673, bytes: 217_000, flows: 4, decodeErrors: 0, truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0},
		rates: {packetsPerSecond: 12, bitsPerSecond: 96_000},
		flows: {active: 4, evicted: 0},
		hostsTracked: hosts.length,
		hostsEvicted: 0,
		hostsMatched: hosts.length,
		hosts,
		protocols: counters({stratum: 50_000, other: 1000}),
		alertsOpen: {low: 0, medium: 1, high: 2, critical: 0},
		speed: 1,
		paused: false,
		...fields,
	};
}

export function alert(fields: Partial<Alert> = {}): Alert {
	return {
		type: 'alert',
		id: 'mining:192.168.2.148:94.23.199.191',
		time: new Date(captureStart + 2000).toISOString(),
		detection: 'mining',
		severity: 'high',
		certainty: 95,
		host: '192.168.2.148',
		hostRole: 'miner',
		peer: '94.23.199.191',
		port: 3333,
		opener: 'host',
		direction: 'internal-external',
		protocol: 'stratum',
		evidence: ['content: Stratum mining.subscribe from the client', 'port: 3333 is a common pool port'],
		agent: 'nheqminer/0.5c',
		worker: 't1exampleworker.rig1',
		mitre: {tactic: 'Impact', technique: 'T1496'},
		allowed: false,
		count: 1,
		...fields,
	};
}

/** Every frame byte that is an escape must start an SGR colour sequence Ink wrote itself. */
export function foreignControls(frame: string): string[] {
	const withoutSgr = frame.replace(/\u001B\[[0-9;]*m/g, '');
	return [...withoutSgr].filter(character => /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(character));
}

const severityOrder = {critical: 4, high: 3, medium: 2, low: 1} as const;

/** Answers view changes the way the capture worker does: sorted, filtered, windowed hosts. */
export class FakeWorker {
	view: HostView | undefined;
	published = 0;

	constructor(private readonly connection: FakeConnection, public hosts: HostRow[], public details: Record<string, HostDetail> = {}) {
		connection.responder = message => {
			if (message.type === 'view') {
				this.view = message.view;
				setImmediate(() => {
					this.publish();
				});
			}
		};
	}

	/** Every view change received has been answered with a summary. */
	answeredEveryView(): boolean {
		return this.published === this.connection.sent.filter(message => message.type === 'view').length;
	}

	matching(): HostRow[] {
		const view = this.view;
		const filter = view?.filter.toLowerCase() ?? '';
		const matched = this.hosts.filter(row => filter === ''
			|| row.address.includes(filter)
			|| (row.name ?? '').toLowerCase().includes(filter)
			|| row.roles.some(role => role.includes(filter))
			|| row.protocols.some(family => family.includes(filter)));
		const direction = view?.reverse ? -1 : 1;
		const sort = view?.sort ?? 'severity';
		return matched.sort((a, b) => {
			const order = sort === 'address'
				? a.address.localeCompare(b.address)
				: (sort === 'severity'
					? (severityOrder[b.severity ?? 'low'] - (b.severity ? 0 : 1)) - (severityOrder[a.severity ?? 'low'] - (a.severity ? 0 : 1))
					: (b.bytesIn + b.bytesOut) - (a.bytesIn + a.bytesOut));
			return order * direction;
		});
	}

	publish(fields: Partial<Summary> = {}): void {
		const matched = this.matching();
		const offset = this.view?.offset ?? 0;
		const limit = this.view?.limit ?? 10;
		const detailHost = this.view?.detailHost;
		this.published++;
		this.connection.emit(summary({
			hosts: matched.slice(offset, offset + limit),
			hostsMatched: matched.length,
			hostsTracked: this.hosts.length,
			detail: detailHost === undefined ? undefined : this.details[detailHost],
			...fields,
		}));
	}
}
