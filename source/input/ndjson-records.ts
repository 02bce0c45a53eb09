// One NDJSON line, as `minewatch --json` writes it, back into the message the capture worker would
// have posted. The stream is untrusted (a pipe from another machine, a file anyone could edit): every
// field is checked for its type, every string goes through toDisplay again, every list is bounded,
// and a line that fails is reported as what kind of bad line it is, never thrown at the caller.
import {parseIpv4, parseIpv6} from '../decode/ip-address-text.js';
import {
	detections,
	protocolFamilies,
	severities,
	type Alert,
	type AlertCounts,
	type CaptureStats,
	type End,
	type HostRole,
	type HostRow,
	type Progress,
	type ProtocolFamily,
	type SourceInfo,
	type Summary,
	type Totals,
	type TrafficCounter,
	type TrafficHistory,
	type WorkerError,
	type WorkerMessage,
} from '../model/messages.js';
import {isVersionedRecord, ndjsonSchemaVersion} from '../model/ndjson-schema.js';
import {toDisplay} from '../model/sanitize.js';

/**
 * `not-json`: not a JSON text (garbled, cut short, two writers' lines run together); `not-a-record`:
 * JSON, but not an object with a known `type`; `invalid`: a record with a field missing or of the
 * wrong kind (a summary or end without `schema` among them); `too-long`: longer than any record.
 */
export type BadLineKind = 'not-json' | 'not-a-record' | 'invalid' | 'too-long';
export const badLineKinds: readonly BadLineKind[] = ['not-json', 'not-a-record', 'invalid', 'too-long'];

export type ParsedLine =
	| {kind: 'record'; message: WorkerMessage}
	| {kind: 'bad'; bad: BadLineKind}
	/** A summary or end of a schema this reader does not know: nothing in the stream can be trusted to mean what it says. */
	| {kind: 'unknown-schema'; schema: number};

/** More hosts than a sensor lists (`--top` is at most 10,000) means the line is not one of its summaries. */
const maximumHosts = 10_000;
const maximumEvidence = 64;
const maximumHistoryBuckets = 240;
/** Longer than anything the worker writes: its strings are cut at 120 characters, evidence lines a little longer. */
const maximumText = 1024;

class InvalidRecord extends Error {}

function fail(): never {
	throw new InvalidRecord();
}

type Fields = Record<string, unknown>;

function object(value: unknown): Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Fields : fail();
}

function number(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : fail();
}

function count(value: unknown): number {
	const checked = number(value);
	return checked >= 0 ? checked : fail();
}

function boolean(value: unknown): boolean {
	return typeof value === 'boolean' ? value : fail();
}

function text(value: unknown): string {
	return typeof value === 'string' ? toDisplay(value, maximumText) : fail();
}

function optional<Value>(value: unknown, read: (value: unknown) => Value): Value | undefined {
	return value === undefined ? undefined : read(value);
}

function oneOf<Value extends string>(choices: readonly Value[]): (value: unknown) => Value {
	return value => choices.includes(value as Value) ? value as Value : fail();
}

function list<Value>(value: unknown, maximum: number, read: (value: unknown) => Value): Value[] {
	return Array.isArray(value) && value.length <= maximum ? value.map(item => read(item)) : fail();
}

/** An address as the worker writes it; anything else could not be ordered as the worker orders hosts. */
function address(value: unknown): string {
	const checked = typeof value === 'string' ? value : fail();
	return parseIpv4(checked) !== undefined || parseIpv6(checked) !== undefined ? checked : fail();
}

function captureTime(value: unknown): string {
	const checked = text(value);
	return Number.isNaN(Date.parse(checked)) ? fail() : checked;
}

/** Drops the fields left undefined, so a record reads as the worker's own (no `name: undefined`). */
function defined<Value extends object>(value: Value): Value {
	for (const [key, field] of Object.entries(value)) {
		if (field === undefined) {
			delete (value as Fields)[key];
		}
	}

	return value;
}

const sourceKind = oneOf<SourceInfo['kind']>(['file', 'stdin', 'live']);
const captureHelper = oneOf<NonNullable<SourceInfo['captureHelper']>>(['pcap', 'tcpdump', 'dumpcap']);
const severity = oneOf(severities);
const family = oneOf(protocolFamilies);
const hostRole = oneOf<HostRole>(['miner', 'node', 'pool']);

function source(value: unknown): SourceInfo {
	const fields = object(value);
	return defined({kind: sourceKind(fields['kind']), name: text(fields['name']), filter: optional(fields['filter'], text), captureHelper: optional(fields['captureHelper'], captureHelper)});
}

function totals(fields: Fields): Totals {
	return {
		packets: count(fields['packets']),
		bytes: count(fields['bytes']),
		flows: count(fields['flows']),
		decodeErrors: count(fields['decodeErrors']),
		truncated: count(fields['truncated']),
		unsupportedLinkType: count(fields['unsupportedLinkType']),
		nonFirstFragments: count(fields['nonFirstFragments']),
	};
}

function alertCounts(value: unknown): AlertCounts {
	const fields = object(value);
	return {low: count(fields['low']), medium: count(fields['medium']), high: count(fields['high']), critical: count(fields['critical'])};
}

function perFamily<Value>(value: unknown, read: (value: unknown) => Value): Record<ProtocolFamily, Value> {
	const fields = object(value);
	return Object.fromEntries(protocolFamilies.map(name => [name, read(fields[name])])) as Record<ProtocolFamily, Value>;
}

function trafficCounter(value: unknown): TrafficCounter {
	const fields = object(value);
	return {packets: count(fields['packets']), bytes: count(fields['bytes'])};
}

function history(value: unknown): TrafficHistory {
	const fields = object(value);
	const buckets = (item: unknown) => list(item, maximumHistoryBuckets, count);
	const bytes = perFamily(fields['bytes'], buckets);
	const packets = perFamily(fields['packets'], buckets);
	const length = bytes.other.length;
	if (length === 0 || protocolFamilies.some(name => bytes[name].length !== length || packets[name].length !== length)) {
		fail();
	}

	const bucketMilliseconds = count(fields['bucketMilliseconds']);
	return {start: number(fields['start']), bucketMilliseconds: bucketMilliseconds > 0 ? bucketMilliseconds : fail(), bytes, packets};
}

function hostRow(value: unknown): HostRow {
	const fields = object(value);
	return defined({
		address: address(fields['address']),
		name: optional(fields['name'], text),
		internal: boolean(fields['internal']),
		roles: list(fields['roles'], 3, hostRole),
		severity: optional(fields['severity'], severity),
		protocols: list(fields['protocols'], protocolFamilies.length, family),
		peers: count(fields['peers']),
		flows: count(fields['flows']),
		packets: count(fields['packets']),
		bytesIn: count(fields['bytesIn']),
		bytesOut: count(fields['bytesOut']),
		packetsPerSecond: count(fields['packetsPerSecond']),
		bitsPerSecond: count(fields['bitsPerSecond']),
		firstSeen: number(fields['firstSeen']),
		lastSeen: number(fields['lastSeen']),
	});
}

function captureStats(value: unknown): CaptureStats {
	const fields = object(value);
	return defined({
		delivered: count(fields['delivered']),
		discarded: count(fields['discarded']),
		received: optional(fields['received'], count),
		dropped: optional(fields['dropped'], count),
		interfaceDropped: optional(fields['interfaceDropped'], count),
		helperDropped: optional(fields['helperDropped'], count),
	});
}

function progress(value: unknown): Progress {
	const fields = object(value);
	return defined({bytesRead: count(fields['bytesRead']), fileSize: optional(fields['fileSize'], count), loops: count(fields['loops']), finished: boolean(fields['finished'])});
}

function speed(value: unknown): Summary['speed'] {
	return value === 'max' ? 'max' : count(value);
}

function summary(fields: Fields): Summary {
	const rates = optional(fields['rates'], object);
	const flows = object(fields['flows']);
	// The stream's summaries never carry a host's detail (nothing asks the sensor for one): the viewer makes its own.
	return defined({
		type: 'summary' as const,
		time: optional(fields['time'], captureTime),
		source: source(fields['source']),
		totals: totals(object(fields['totals'])),
		rates: rates === undefined ? undefined : {packetsPerSecond: count(rates['packetsPerSecond']), bitsPerSecond: count(rates['bitsPerSecond'])},
		flows: {active: count(flows['active']), evicted: count(flows['evicted'])},
		hostsTracked: count(fields['hostsTracked']),
		hostsEvicted: count(fields['hostsEvicted']),
		hostsMatched: count(fields['hostsMatched']),
		hosts: list(fields['hosts'], maximumHosts, hostRow),
		protocols: perFamily(fields['protocols'], trafficCounter),
		history: optional(fields['history'], history),
		alertsOpen: alertCounts(fields['alertsOpen']),
		capture: optional(fields['capture'], captureStats),
		progress: optional(fields['progress'], progress),
		speed: speed(fields['speed']),
		paused: boolean(fields['paused']),
	});
}

function alert(fields: Fields): Alert {
	const mitre = fields['mitre'] === null ? null : object(fields['mitre']);
	const update = optional(fields['update'], value => value === true ? true as const : fail());
	return defined({
		type: 'alert' as const,
		id: text(fields['id']),
		time: captureTime(fields['time']),
		detection: oneOf(detections)(fields['detection']),
		severity: severity(fields['severity']),
		certainty: count(fields['certainty']),
		host: text(fields['host']),
		hostRole: optional(fields['hostRole'], hostRole),
		peer: text(fields['peer']),
		port: count(fields['port']),
		opener: oneOf<Alert['opener']>(['host', 'peer'])(fields['opener']),
		peerName: optional(fields['peerName'], text),
		direction: oneOf<Alert['direction']>(['internal-external', 'external-internal', 'internal-internal', 'external-external'])(fields['direction']),
		protocol: oneOf<Alert['protocol']>(['bitcoin-p2p', 'bitcoin-p2p-v2', 'stratum', 'stratum-v2', 'getwork', 'dns', 'tls', 'monero-p2p', 'devp2p', 'tcp'])(fields['protocol']),
		network: optional(fields['network'], text),
		evidence: list(fields['evidence'], maximumEvidence, text),
		agent: optional(fields['agent'], text),
		worker: optional(fields['worker'], text),
		algorithm: optional(fields['algorithm'], text),
		mitre: mitre === null ? null : {tactic: text(mitre['tactic']), technique: text(mitre['technique'])},
		allowed: boolean(fields['allowed']),
		count: count(fields['count']),
		update,
	});
}

function end(fields: Fields): End {
	return defined({
		type: 'end' as const,
		source: source(fields['source']),
		...totals(fields),
		corrupt: count(fields['corrupt']),
		durationMs: count(fields['durationMs']),
		alerts: count(fields['alerts']),
		alertsOpen: alertCounts(fields['alertsOpen']),
		capture: optional(fields['capture'], captureStats),
		reason: oneOf<End['reason']>(['end-of-file', 'count', 'duration', 'stopped', 'error'])(fields['reason']),
		warning: optional(fields['warning'], text),
	});
}

function error(fields: Fields): WorkerError {
	return defined({type: 'error' as const, exitCode: count(fields['exitCode']), message: text(fields['message']), hint: optional(fields['hint'], value => list(value, 16, text))});
}

const readers: Record<WorkerMessage['type'], (fields: Fields) => WorkerMessage> = {summary, alert, end, error};

/** One line without its newline. */
export function parseRecordLine(line: string): ParsedLine {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return {kind: 'bad', bad: 'not-json'};
	}

	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return {kind: 'bad', bad: 'not-a-record'};
	}

	const fields = value as Fields;
	const type = fields['type'];
	if (typeof type !== 'string' || !Object.hasOwn(readers, type)) {
		return {kind: 'bad', bad: 'not-a-record'};
	}

	if (isVersionedRecord(type)) {
		const schema = fields['schema'];
		if (typeof schema !== 'number' || !Number.isFinite(schema)) {
			return {kind: 'bad', bad: 'invalid'};
		}

		// A minor version (1.1) adds fields this reader skips; only a new major one changes what fields mean.
		if (Math.trunc(schema) !== ndjsonSchemaVersion) {
			return {kind: 'unknown-schema', schema};
		}
	}

	try {
		return {kind: 'record', message: readers[type as WorkerMessage['type']](fields)};
	} catch (error_) {
		if (error_ instanceof InvalidRecord) {
			return {kind: 'bad', bad: 'invalid'};
		}

		throw error_;
	}
}
