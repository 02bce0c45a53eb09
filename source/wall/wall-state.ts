// What the wall knows, folded from the worker's messages: the newest summary, rate history, the
// coalesced alert list and the tally by detection. No screen here: the renderer reads it when it
// redraws, at most a couple of times a second, however fast messages arrive.
import type {Alert, End, Summary, WorkerError, WorkerMessage} from '../model/messages.js';
import {AlertRing, type AlertEntry} from '../ui/alert-ring.js';
import type {UiExitReason, UiResult} from '../ui/closing-summary.js';
import {RateHistory} from '../ui/rate-history.js';
import {sessionResult} from '../ui/terminal-session.js';
import {DetectionTally} from './detection-tally.js';

export class WallState {
	readonly history = new RateHistory();
	readonly tally = new DetectionTally();
	summary: Summary | undefined;
	/** Capture time of the first summary that had one. */
	firstCaptureTime: string | undefined;
	end: End | undefined;
	error: WorkerError | undefined;
	private readonly ring = new AlertRing();
	private pendingAlerts: Alert[] = [];
	private changed = false;

	receive(message: WorkerMessage): void {
		switch (message.type) {
			case 'summary': {
				this.summary = message;
				this.firstCaptureTime ??= message.time;
				if (message.history !== undefined) {
					this.history.add(message.history);
				}

				break;
			}

			case 'alert': {
				this.pendingAlerts.push(message);
				this.tally.add(message);
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

		this.changed = true;
	}

	/** Folds queued alerts in; true when anything arrived since the last call. */
	settle(): boolean {
		if (this.pendingAlerts.length > 0) {
			this.ring.addAll(this.pendingAlerts);
			this.pendingAlerts = [];
		}

		const changed = this.changed;
		this.changed = false;
		return changed;
	}

	/** Newest first, one entry per alert id. */
	get alerts(): readonly AlertEntry[] {
		return this.ring.entries;
	}

	/** What the closing summary reports, the same fields the Ink UI fills. */
	result(reason: UiExitReason, wallMilliseconds: number, internalError?: string): UiResult {
		this.settle();
		const {summary, firstCaptureTime, end, error} = this;
		return sessionResult({summary, firstCaptureTime, end, error, alerts: this.ring.entries, alertsSeen: this.ring.distinct}, reason, wallMilliseconds, internalError);
	}
}
