// The one message model shared by the capture worker and every renderer (Ink UI, NDJSON, wall).
// Every string in these messages that came from the network has already been through
// `toDisplay` (model/sanitize.ts) in the worker: renderers and exports never see raw text.

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];
/** Higher is more severe; 0 is below every severity (a host with none). */
export const severityRank: Record<Severity, number> = {low: 1, medium: 2, high: 3, critical: 4};

export const detections = ['mining', 'mining-pool', 'mining-pool-lookup', 'bitcoin-node', 'crypto-node'] as const;
export type Detection = (typeof detections)[number];

export type HostRole = 'miner' | 'node' | 'pool';

export type Direction = 'internal-external' | 'external-internal' | 'internal-internal' | 'external-external';

/** Wire protocols an alert can rest on. */
export type AlertProtocol = 'bitcoin-p2p' | 'bitcoin-p2p-v2' | 'stratum' | 'stratum-v2' | 'getwork' | 'dns' | 'tls' | 'monero-p2p' | 'devp2p' | 'tcp';

/** The families the protocol sparklines and counters are kept for. */
export const protocolFamilies = [
	'bitcoin-p2p',
	'stratum',
	'stratum-v2',
	'getwork',
	'monero-p2p',
	'pool-dns',
	'pool-tls',
	'other',
] as const;
export type ProtocolFamily = (typeof protocolFamilies)[number];

export interface Mitre {
	tactic: string;
	technique: string;
}

export interface Alert {
	type: 'alert';
	/**
	 * Stable per (detection, host, peer, port); re-emitted with `update: true` when severity or
	 * certainty rises, a field becomes known, or another flow shows it again.
	 */
	id: string;
	/** Capture time of the evidence this record was sent for, ISO 8601. */
	time: string;
	detection: Detection;
	severity: Severity;
	/** 0..100 */
	certainty: number;
	host: string;
	/** The role the detection shows the host in; absent for a pool lookup, which shows none yet. */
	hostRole?: HostRole;
	peer: string;
	/** The port the connection was opened to: the pool's, the listening node's, the resolver's (0: none, a lookup's answer). */
	port: number;
	/** Which end opened the connection; `peer` means inbound, and then `port` is the host's. */
	opener: 'host' | 'peer';
	peerName?: string;
	direction: Direction;
	protocol: AlertProtocol;
	/** e.g. `bitcoin-mainnet`, `monero-mainnet`, `litecoin-testnet4` */
	network?: string;
	/** Strongest first; each starts with its tier: `content:`, `shape:`, `reputation:` or `port:`. */
	evidence: string[];
	agent?: string;
	/** Worker or login name, when the protocol carries one. */
	worker?: string;
	algorithm?: string;
	mitre: Mitre | null;
	allowed: boolean;
	/** Flows that showed this alert: 1 when raised, one more for each newer flow that shows it again. */
	count: number;
	update?: true;
}

export interface HostRow {
	address: string;
	/** Name seen in traffic (DNS answer or TLS SNI), sanitized. */
	name?: string;
	internal: boolean;
	roles: HostRole[];
	severity?: Severity;
	protocols: ProtocolFamily[];
	peers: number;
	flows: number;
	packets: number;
	bytesIn: number;
	bytesOut: number;
	packetsPerSecond: number;
	bitsPerSecond: number;
	/** Capture time, ms since the epoch. */
	firstSeen: number;
	lastSeen: number;
}

export interface FlowRow {
	protocol: 'tcp' | 'udp' | 'icmp' | 'other';
	client: string;
	clientPort: number;
	server: string;
	serverPort: number;
	packets: number;
	bytesToServer: number;
	bytesToClient: number;
	state: string;
	family: ProtocolFamily;
	firstSeen: number;
	lastSeen: number;
}

export interface PeerRow {
	address: string;
	name?: string;
	internal: boolean;
	flows: number;
	bytes: number;
}

/** What the worker knows about one host, sent while the UI shows that host's detail view. */
export interface HostDetail {
	host: HostRow;
	/** The host's live flows; `flows` is the newest of them (bounded), `host.flows` counts every flow seen. */
	liveFlows: number;
	flows: FlowRow[];
	peers: PeerRow[];
	/** Set by `minewatch view`: made from the host's row in the stream, which carries no flows or peers. */
	streamed?: true;
}

export interface TrafficCounter {
	packets: number;
	bytes: number;
}

export interface SourceInfo {
	kind: 'file' | 'stdin' | 'live';
	/** File name, `-`, or interface name. */
	name: string;
	filter?: string;
	captureHelper?: 'pcap' | 'tcpdump' | 'dumpcap';
}

export interface Progress {
	bytesRead: number;
	/** Absent for standard input and compressed files of unknown size. */
	fileSize?: number;
	loops: number;
	finished: boolean;
}

/** libpcap's counters as a live helper reports them: tcpdump and pcap every second, dumpcap at exit. */
export interface HelperCounters {
	/** Packets that passed the capture filter. */
	received: number;
	/** Dropped by the kernel: the capture ring was full. */
	dropped: number;
	/** Dropped by the interface or its driver. */
	interfaceDropped: number;
	/** pcap helper only: dropped by the helper itself while minewatch was more than 64 MiB behind. */
	helperDropped?: number;
}

/**
 * A live capture's accounting: the helper's counters once it has reported them, and what it handed
 * over. At the end, the processed packets (`packets` in the totals) plus `discarded` equal `delivered`.
 */
export interface CaptureStats extends Partial<HelperCounters> {
	/** Packets the helper handed to minewatch (records in its pcap stream). */
	delivered: number;
	/** Delivered but not processed: still queued when `--count` was reached or the stop's drain deadline passed. */
	discarded: number;
}

export interface Totals {
	packets: number;
	bytes: number;
	flows: number;
	decodeErrors: number;
	truncated: number;
	unsupportedLinkType: number;
	nonFirstFragments: number;
}

export type AlertCounts = Record<Severity, number>;

/**
 * Each family's traffic in consecutive buckets of capture time, counted as packets arrive: what the
 * sparklines and the wall's chart draw, so a replay at any speed shows the capture's own shape.
 */
export interface TrafficHistory {
	/** Capture time where the first bucket starts, ms since the epoch. */
	start: number;
	bucketMilliseconds: number;
	/** Per family, wire bytes and packets in each bucket, oldest first; all arrays have one length. */
	bytes: Record<ProtocolFamily, number[]>;
	packets: Record<ProtocolFamily, number[]>;
}

export type HostSortKey = 'severity' | 'traffic' | 'address' | 'peers' | 'packetRate' | 'lastSeen';
export const hostSortKeys: readonly HostSortKey[] = ['severity', 'traffic', 'address', 'peers', 'packetRate', 'lastSeen'];

/** Which slice of the host table the renderer wants; the worker sorts and filters, never the UI thread. */
export interface HostView {
	sort: HostSortKey;
	reverse: boolean;
	filter: string;
	offset: number;
	limit: number;
	detailHost?: string;
}

/** What every renderer asks for first: the most severe hosts, `limit` of them. */
export function defaultHostView(limit: number): HostView {
	return {sort: 'severity', reverse: false, filter: '', offset: 0, limit};
}

/** Set by `minewatch view` only: what the stream it reads carries, next to what the sensor saw. */
export interface StreamedView {
	/** Hosts the sensor's summary listed (its `--top`): what sorting and filtering work on. */
	hostsCarried: number;
	/** Hosts the sensor tracked. */
	hostsAtSensor: number;
	/** Lines that were no record the viewer could read: garbled, cut short, run together, of no known type, missing a field. */
	badLines: number;
}

export interface Summary {
	type: 'summary';
	/** Capture time of the newest packet, ISO 8601 (absent before the first packet). */
	time?: string;
	source: SourceInfo;
	totals: Totals;
	/**
	 * Per second of capture time since the previous summary, packets/s to a tenth and bits/s whole;
	 * absent until capture time has passed since the start (a replay's first summary comes with its first packet).
	 */
	rates?: {packetsPerSecond: number; bitsPerSecond: number};
	flows: {active: number; evicted: number};
	hostsTracked: number;
	hostsEvicted: number;
	/** Hosts matching the view's filter; `hosts` is the requested window of them. */
	hostsMatched: number;
	hosts: HostRow[];
	detail?: HostDetail;
	protocols: Record<ProtocolFamily, TrafficCounter>;
	/** The buckets completed since the previous summary (the last one too, in the final summary); absent when none. */
	history?: TrafficHistory;
	/** Open (not allowed) alerts by highest severity. */
	alertsOpen: AlertCounts;
	capture?: CaptureStats;
	progress?: Progress;
	speed: number | 'max';
	paused: boolean;
	streamed?: StreamedView;
}

/** The last message: the totals since the start (as in `Summary.totals`) and how the capture ended. */
export interface End extends Totals {
	type: 'end';
	source: SourceInfo;
	/** Corrupt blocks or records skipped in the capture file. */
	corrupt: number;
	durationMs: number;
	alerts: number;
	alertsOpen: AlertCounts;
	capture?: CaptureStats;
	/** Why the capture ended. */
	reason: 'end-of-file' | 'count' | 'duration' | 'stopped' | 'error';
	/** One line describing a non-fatal problem with the input (truncated file, corrupt block). */
	warning?: string;
}

export interface WorkerError {
	type: 'error';
	/** The process exit code this error maps to (see source/exit-codes.ts). */
	exitCode: number;
	/** One line, actionable. */
	message: string;
	/** Extra lines (e.g. how to grant capture rights). */
	hint?: string[];
}

export type WorkerMessage = Summary | Alert | End | WorkerError;

export type ControlMessage =
	| {type: 'pause'}
	| {type: 'resume'}
	| {type: 'speed'; speed: number | 'max'}
	| {type: 'view'; view: HostView}
	| {type: 'stop'};
