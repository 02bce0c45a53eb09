// What every renderer keeps from the worker's messages: the newest summary, the alert ring and the
// rate history, with what arrived since the last redraw held apart until the renderer settles it, so
// a renderer redraws at its own pace however fast messages arrive.
import type {Alert, End, Summary, TrafficHistory, WorkerError, WorkerMessage} from '../model/messages.js';
import {AlertRing, defaultAlertCapacity, type AlertEntry} from './alert-ring.js';
import {RateHistory} from './rate-history.js';

/** Everything received so far: what the closing summary reports. */
export interface LatestData {
	summary: Summary | undefined;
	/** Capture time of the first summary that had one. */
	firstCaptureTime: string | undefined;
	/** Newest first. */
	alerts: readonly AlertEntry[];
	/** Distinct alert ids ever received. */
	alertsSeen: number;
	end: End | undefined;
	error: WorkerError | undefined;
}

export class MessageIntake {
	readonly history = new RateHistory();
	end: End | undefined;
	error: WorkerError | undefined;
	firstCaptureTime: string | undefined;
	private readonly ring: AlertRing;
	private settledSummary: Summary | undefined;
	private pendingSummary: Summary | undefined;
	/** Every summary's buckets, kept until settled: a summary a newer one replaces still had its traffic. */
	private pendingHistory: TrafficHistory[] = [];
	private pendingAlerts: Alert[] = [];

	constructor(alertCapacity: number = defaultAlertCapacity) {
		this.ring = new AlertRing(alertCapacity);
	}

	receive(message: WorkerMessage): void {
		switch (message.type) {
			case 'summary': {
				this.firstCaptureTime ??= message.time;
				this.pendingSummary = message;
				if (message.history !== undefined) {
					this.pendingHistory.push(message.history);
					// Each holds at least one bucket, and no more buckets than the history keeps are drawn.
					if (this.pendingHistory.length > this.history.bucketCount) {
						this.pendingHistory.shift();
					}
				}

				break;
			}

			case 'alert': {
				this.pendingAlerts.push(message);
				break;
			}

			case 'end': {
				this.end = message;
				break;
			}

			case 'error': {
				this.error = message;
				break;
			}
		}
	}

	get summaryPending(): boolean {
		return this.pendingSummary !== undefined;
	}

	/** Folds the queued summary and alerts in; returns how many messages it folded. */
	settle(): number {
		let settled = 0;
		if (this.pendingAlerts.length > 0) {
			settled += this.pendingAlerts.length;
			this.ring.addAll(this.pendingAlerts);
			this.pendingAlerts = [];
		}

		if (this.pendingSummary) {
			settled++;
			this.settledSummary = this.pendingSummary;
			this.pendingSummary = undefined;
		}

		return settled;
	}

	/** Folds the queued history buckets into the history; true when there were any. */
	settleHistory(): boolean {
		if (this.pendingHistory.length === 0) {
			return false;
		}

		for (const history of this.pendingHistory) {
			this.history.add(history);
		}

		this.pendingHistory = [];
		return true;
	}

	/** The newest settled summary. */
	get summary(): Summary | undefined {
		return this.settledSummary;
	}

	/** Settled alerts, newest first, one entry per alert id. */
	get alerts(): readonly AlertEntry[] {
		return this.ring.entries;
	}

	toggleAcknowledged(id: string): void {
		this.ring.toggleAcknowledged(id);
	}

	/** Everything received so far, settling first. */
	get latest(): LatestData {
		this.settle();
		const {summary, firstCaptureTime, alerts, end, error} = this;
		return {summary, firstCaptureTime, alerts, alertsSeen: this.ring.distinct, end, error};
	}
}
