// One alert per (detection, host, peer, port): raised once with a stable id, merged with later
// evidence, and re-emitted (same id, `update: true`) only when its severity or certainty rises, when
// it learns its agent, worker or algorithm for the first time (so each field updates it at most
// once), or when a flow newer than every flow counted so far shows it again (its `count` grows).
import {captureTimeText} from '../model/capture-time.js';
import {severityRank, type Alert, type AlertCounts, type Detection} from '../model/messages.js';
import {BoundedMap} from './bounded-map.js';
import {severityOf} from './verdict.js';

/** An alert as a finding proposes it; the book fills in `id`, `severity`, `time` and merges. */
export type AlertDraft = Omit<Alert, 'type' | 'id' | 'severity' | 'update' | 'time' | 'count'> & {
	/** Capture time, µs since the epoch. */
	timeMicros: number;
	/** The flow that showed it: flow ids only grow, so a larger one is a connection not yet counted. */
	flowId: number;
};

interface Entry {
	alert: Alert;
	/** The newest flow counted in `alert.count`: reports from it, or from older flows, are not new sightings. */
	newestFlowId: number;
}

const maxEvidence = 8;
/** Distinct alerts remembered; a flood of new (host, peer) pairs forgets the oldest, never grows memory. */
const defaultCapacity = 100_000;
const tierOrder = ['content:', 'shape:', 'reputation:', 'port:'];

export class AlertBook {
	private readonly alerts: BoundedMap<string, Entry>;
	/** Per host, a bit per detection it has an alert for. */
	private readonly detectionsByHost: BoundedMap<string, number>;
	private readonly open: AlertCounts = {low: 0, medium: 0, high: 0, critical: 0};
	private raised = 0;

	constructor(private readonly emit: (alert: Alert) => void, capacity = defaultCapacity) {
		this.alerts = new BoundedMap(capacity, (_key, {alert: forgotten}) => {
			if (!forgotten.allowed) this.open[forgotten.severity]--;
		});
		this.detectionsByHost = new BoundedMap(capacity);
	}

	/** Alerts raised so far (distinct ids, including any forgotten since). */
	get count(): number {
		return this.raised;
	}

	/** Open (not allowed) alerts by current severity. */
	openCounts(): AlertCounts {
		return {...this.open};
	}

	hasDetection(host: string, detection: Detection): boolean {
		return ((this.detectionsByHost.get(host) ?? 0) & detectionBit(detection)) !== 0;
	}

	/** Records the draft; returns the alert as it now stands. */
	record(draft: AlertDraft): Alert {
		const key = `${draft.detection}|${draft.host}|${draft.peer}|${draft.port}`;
		const entry = this.alerts.get(key);
		if (entry === undefined) {
			const alert: Alert = {
				type: 'alert',
				id: alertId(key),
				time: captureTimeText(draft.timeMicros),
				detection: draft.detection,
				severity: severityOf(draft.detection, draft.direction, draft.certainty),
				certainty: draft.certainty,
				host: draft.host,
				hostRole: draft.hostRole,
				peer: draft.peer,
				port: draft.port,
				opener: draft.opener,
				peerName: draft.peerName,
				direction: draft.direction,
				protocol: draft.protocol,
				network: draft.network,
				evidence: mergeEvidence([], draft.evidence),
				agent: draft.agent,
				worker: draft.worker,
				algorithm: draft.algorithm,
				mitre: draft.mitre,
				allowed: draft.allowed,
				count: 1,
			};
			this.alerts.set(key, {alert, newestFlowId: draft.flowId});
			this.raised++;
			this.detectionsByHost.set(draft.host, (this.detectionsByHost.get(draft.host) ?? 0) | detectionBit(draft.detection));
			if (!alert.allowed) this.open[alert.severity]++;
			this.emit(copyOf(alert));
			return alert;
		}
		const existing = entry.alert;
		const before = {severity: existing.severity, certainty: existing.certainty};
		const sightedAgain = draft.flowId > entry.newestFlowId;
		if (sightedAgain) {
			entry.newestFlowId = draft.flowId;
			existing.count++;
		}
		const learned = (existing.agent === undefined && draft.agent !== undefined)
			|| (existing.worker === undefined && draft.worker !== undefined)
			|| (existing.algorithm === undefined && draft.algorithm !== undefined);
		existing.certainty = Math.max(existing.certainty, draft.certainty);
		existing.evidence = mergeEvidence(existing.evidence, draft.evidence);
		existing.network ??= draft.network;
		existing.agent ??= draft.agent;
		existing.worker ??= draft.worker;
		existing.algorithm ??= draft.algorithm;
		existing.peerName ??= draft.peerName;
		const severity = severityOf(existing.detection, existing.direction, existing.certainty);
		if (severityRank[severity] > severityRank[existing.severity]) {
			if (!existing.allowed) {
				this.open[existing.severity]--;
				this.open[severity]++;
			}
			existing.severity = severity;
		}
		if (sightedAgain || learned || severityRank[existing.severity] > severityRank[before.severity] || existing.certainty > before.certainty) {
			existing.time = captureTimeText(draft.timeMicros);
			const update = copyOf(existing);
			update.update = true;
			this.emit(update);
		}
		return existing;
	}
}

/** What is emitted: a copy, since the book keeps merging into its own. */
function copyOf(alert: Alert): Alert {
	return {
		type: 'alert',
		id: alert.id,
		time: alert.time,
		detection: alert.detection,
		severity: alert.severity,
		certainty: alert.certainty,
		host: alert.host,
		hostRole: alert.hostRole,
		peer: alert.peer,
		port: alert.port,
		opener: alert.opener,
		peerName: alert.peerName,
		direction: alert.direction,
		protocol: alert.protocol,
		network: alert.network,
		evidence: alert.evidence.slice(),
		agent: alert.agent,
		worker: alert.worker,
		algorithm: alert.algorithm,
		mitre: alert.mitre,
		allowed: alert.allowed,
		count: alert.count,
	};
}

function detectionBit(detection: Detection): number {
	switch (detection) {
		case 'mining':
			return 1;
		case 'mining-pool':
			return 2;
		case 'mining-pool-lookup':
			return 4;
		case 'bitcoin-node':
			return 8;
		case 'crypto-node':
			return 16;
	}
}

/**
 * `known` plus the new lines of `added`: distinct, strongest tier first (stable within a tier), at
 * most `maxEvidence`. `known` itself when nothing is new (most reports repeat what an alert has).
 */
function mergeEvidence(known: string[], added: readonly string[]): string[] {
	if (containsAll(known, added)) return known;
	const merged = known.slice();
	for (const line of added) {
		if (merged.includes(line)) continue;
		const tier = tierOf(line);
		let at = merged.length;
		while (at > 0 && tierOf(merged[at - 1]!) > tier) at--;
		if (at < maxEvidence) merged.splice(at, 0, line);
		if (merged.length > maxEvidence) merged.length = maxEvidence;
	}
	return merged;
}

function containsAll(known: readonly string[], added: readonly string[]): boolean {
	for (const line of added) if (!known.includes(line)) return false;
	return true;
}

function tierOf(line: string): number {
	for (let index = 0; index < tierOrder.length; index++) if (line.startsWith(tierOrder[index]!)) return index;
	return tierOrder.length;
}

/** A short id that stays the same for the same (detection, host, peer, port) across runs: FNV-1a, 64 bits. */
function alertId(key: string): string {
	let high = 0xcbf29ce4;
	let low = 0x84222325;
	for (let index = 0; index < key.length; index++) {
		low ^= key.charCodeAt(index);
		// Multiply the 64-bit (high, low) by the FNV prime 0x100000001b3.
		const lowProduct = low * 0x1b3;
		const carry = Math.floor(lowProduct / 0x1_0000_0000);
		high = (Math.imul(high, 0x1b3) + Math.imul(low, 0x100) + carry) >>> 0;
		low = lowProduct >>> 0;
	}
	return `${high.toString(16).padStart(8, '0')}${low.toString(16).padStart(8, '0')}`;
}
