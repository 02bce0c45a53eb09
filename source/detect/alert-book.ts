// One alert per (detection, host, peer): raised once with a stable id, merged with later evidence,
// and re-emitted (same id, `update: true`) only when its severity or certainty rises.
import type {Alert, AlertCounts, Detection} from '../model/messages.js';
import {severityOf, severityRank} from './verdict.js';

/** An alert as a finding proposes it; the book fills in `id`, `severity` and merges. */
export type AlertDraft = Omit<Alert, 'type' | 'id' | 'severity' | 'update'>;

const maxEvidence = 8;
const tierOrder = ['content:', 'shape:', 'reputation:', 'port:'];

export class AlertBook {
	private readonly alerts = new Map<string, Alert>();
	private readonly detectionsByHost = new Map<string, Set<Detection>>();
	private readonly open: AlertCounts = {low: 0, medium: 0, high: 0, critical: 0};

	constructor(private readonly emit: (alert: Alert) => void) {}

	get count(): number {
		return this.alerts.size;
	}

	/** Open (not allowed) alerts by current severity. */
	openCounts(): AlertCounts {
		return {...this.open};
	}

	hasDetection(host: string, detection: Detection): boolean {
		return this.detectionsByHost.get(host)?.has(detection) ?? false;
	}

	/** Records the draft; returns the alert as it now stands. */
	record(draft: AlertDraft): Alert {
		const key = `${draft.detection}|${draft.host}|${draft.peer}`;
		const existing = this.alerts.get(key);
		if (existing === undefined) {
			const alert: Alert = {
				type: 'alert',
				id: alertId(key),
				...draft,
				evidence: orderEvidence(draft.evidence),
				severity: severityOf(draft.detection, draft.direction, draft.certainty),
			};
			this.alerts.set(key, alert);
			let detections = this.detectionsByHost.get(draft.host);
			if (detections === undefined) this.detectionsByHost.set(draft.host, (detections = new Set()));
			detections.add(draft.detection);
			if (!alert.allowed) this.open[alert.severity]++;
			this.emit({...alert, evidence: [...alert.evidence]});
			return alert;
		}
		const before = {severity: existing.severity, certainty: existing.certainty};
		existing.certainty = Math.max(existing.certainty, draft.certainty);
		existing.evidence = orderEvidence([...existing.evidence, ...draft.evidence]);
		existing.network ??= draft.network;
		existing.agent ??= draft.agent;
		existing.worker ??= draft.worker;
		existing.algorithm ??= draft.algorithm;
		existing.peerName ??= draft.peerName;
		const severity = severityOf(existing.detection, existing.direction, existing.certainty);
		if (severityRank(severity) > severityRank(existing.severity)) {
			if (!existing.allowed) {
				this.open[existing.severity]--;
				this.open[severity]++;
			}
			existing.severity = severity;
		}
		if (severityRank(existing.severity) > severityRank(before.severity) || existing.certainty > before.certainty) {
			existing.time = draft.time;
			this.emit({...existing, evidence: [...existing.evidence], update: true});
		}
		return existing;
	}
}

/** Distinct, strongest tier first (stable within a tier), at most `maxEvidence`. */
function orderEvidence(evidence: readonly string[]): string[] {
	const distinct = [...new Set(evidence)];
	const tier = (line: string) => {
		const index = tierOrder.findIndex((prefix) => line.startsWith(prefix));
		return index < 0 ? tierOrder.length : index;
	};
	return distinct.map((line, index) => ({line, index})).sort((left, right) => tier(left.line) - tier(right.line) || left.index - right.index).slice(0, maxEvidence).map(({line}) => line);
}

/** A short id that stays the same for the same (detection, host, peer) across runs: FNV-1a, 64 bits. */
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
