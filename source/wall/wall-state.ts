// What the wall knows, folded from the worker's messages: the shared intake (newest summary, rate
// history, coalesced alerts) and the tally by detection. No screen here: the renderer reads it when it
// redraws, at most a couple of times a second, however fast messages arrive.
import type {WorkerMessage} from '../model/messages.js';
import type {AlertEntry} from '../view/alert-ring.js';
import type {UiExitReason, UiResult} from '../view/closing-summary.js';
import {MessageIntake} from '../view/message-intake.js';
import {sessionResult} from '../view/terminal-session.js';
import {DetectionTally} from './detection-tally.js';

export class WallState {
	readonly intake = new MessageIntake();
	readonly tally = new DetectionTally();
	private changed = false;

	receive(message: WorkerMessage): void {
		this.intake.receive(message);
		if (message.type === 'alert') {
			this.tally.add(message);
		}

		this.changed = true;
	}

	/** Folds queued messages in; true when anything arrived since the last call. */
	settle(): boolean {
		this.intake.settle();
		this.intake.settleHistory();
		const changed = this.changed;
		this.changed = false;
		return changed;
	}

	get summary() {
		return this.intake.summary;
	}

	get end() {
		return this.intake.end;
	}

	get history() {
		return this.intake.history;
	}

	/** Newest first, one entry per alert id. */
	get alerts(): readonly AlertEntry[] {
		return this.intake.alerts;
	}

	/** What the closing summary reports, the same fields the Ink UI fills. */
	result(reason: UiExitReason, wallMilliseconds: number, internalError?: string): UiResult {
		return sessionResult(this.intake.latest, reason, wallMilliseconds, internalError);
	}
}
