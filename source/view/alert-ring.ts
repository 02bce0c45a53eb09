// The alert pane's memory: newest first by capture time, bounded, one entry per alert id. A
// re-emitted alert (an update, or a repeat sighting with a grown `count`) replaces its entry's
// content and takes its place by its new time. A held finding raised after a newer one sorts below
// it. Entries are immutable so a published list never changes under React.
import {severityRank, type Alert, type AlertCounts} from '../model/messages.js';

export interface AlertEntry {
	readonly alert: Alert;
	readonly acknowledged: boolean;
}

export const defaultAlertCapacity = 500;

export class AlertRing {
	private list: readonly AlertEntry[] = [];
	private everSeen = 0;

	constructor(private readonly capacity: number = defaultAlertCapacity) {}

	get entries(): readonly AlertEntry[] {
		return this.list;
	}

	/** Distinct alert ids received, including those the ring has since dropped. */
	get distinct(): number {
		return this.everSeen;
	}

	/** Adds a batch at once so the list is copied once per batch, not per alert. */
	addAll(alerts: readonly Alert[]): void {
		if (alerts.length === 0) {
			return;
		}

		const byId = new Map<string, AlertEntry>();
		for (const entry of this.list) {
			byId.set(entry.alert.id, entry);
		}

		const fresh: AlertEntry[] = [];
		const freshIds = new Set<string>();
		for (let index = alerts.length - 1; index >= 0; index--) {
			const alert = alerts[index]!;
			if (freshIds.has(alert.id)) {
				continue;
			}

			const previous = byId.get(alert.id);
			if (previous === undefined) {
				this.everSeen++;
			}

			const rose = previous !== undefined && severityRank[alert.severity] > severityRank[previous.alert.severity];
			fresh.push({alert, acknowledged: (previous?.acknowledged ?? false) && !rose});
			freshIds.add(alert.id);
		}

		const kept = this.list.filter(entry => !freshIds.has(entry.alert.id));
		// A stable sort: at equal times the later arrival (fresh, and within it the later alert) stays first.
		this.list = [...fresh, ...kept].sort(newestFirst).slice(0, this.capacity);
	}

	/** Acknowledges the entry, or takes its acknowledgement back; false when the ring no longer holds it. */
	toggleAcknowledged(id: string): boolean {
		const index = this.list.findIndex(entry => entry.alert.id === id);
		const entry = this.list[index];
		if (entry === undefined) {
			return false;
		}

		const list = [...this.list];
		list[index] = {...entry, acknowledged: !entry.acknowledged};
		this.list = list;
		return true;
	}
}

/**
 * The worker's open counts less the alerts acknowledged on screen: acknowledging is the viewer's,
 * the worker (and so NDJSON) never hears of it. An allowed alert was never counted as open.
 */
export function unacknowledgedOpen(open: AlertCounts, entries: readonly AlertEntry[]): AlertCounts {
	const counts = {...open};
	for (const {alert, acknowledged} of entries) {
		if (acknowledged && !alert.allowed) {
			counts[alert.severity] = Math.max(0, counts[alert.severity] - 1);
		}
	}

	return counts;
}

/** ISO 8601 times of one format compare as text. */
function newestFirst(a: AlertEntry, b: AlertEntry): number {
	if (a.alert.time === b.alert.time) {
		return 0;
	}

	return a.alert.time < b.alert.time ? 1 : -1;
}
