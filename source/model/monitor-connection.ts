// What every renderer talks to: the capture worker's handle (CaptureThread) implements it, and so can
// any other source of the same messages (an NDJSON stream for `minewatch view`).
import type {ControlMessage, WorkerMessage} from './messages.js';

export interface MonitorConnection {
	/** Messages that arrive before anyone listens are kept for the first listener. Returns the unsubscribe function. */
	onMessage(listener: (message: WorkerMessage) => void): () => void;
	/** The first message, without consuming it: an error means the monitor never started. */
	firstMessage(): Promise<WorkerMessage>;
	/** View requests (sort, filter, window), speed, pause and stop. */
	send(message: ControlMessage): void;
	/** Settles once no further message can arrive. */
	readonly exited: Promise<void>;
}

type Listener = (message: WorkerMessage) => void;

/**
 * The message side of a MonitorConnection, for whoever implements one: messages delivered before
 * anyone listens are kept for the first listener, and `firstMessage` peeks at the first of them.
 */
export class MessageRelay {
	private readonly listeners = new Set<Listener>();
	private readonly pending: WorkerMessage[] = [];
	private readonly firstWaiters: Array<(message: WorkerMessage) => void> = [];

	onMessage(listener: Listener): () => void {
		this.listeners.add(listener);
		for (const message of this.pending.splice(0)) {
			listener(message);
		}

		return () => this.listeners.delete(listener);
	}

	async firstMessage(): Promise<WorkerMessage> {
		if (this.pending.length > 0) {
			return this.pending[0]!;
		}

		return new Promise(resolve => {
			this.firstWaiters.push(resolve);
		});
	}

	deliver(message: WorkerMessage): void {
		if (this.listeners.size === 0) {
			this.pending.push(message);
			for (const resolve of this.firstWaiters.splice(0)) {
				resolve(message);
			}

			return;
		}

		for (const listener of this.listeners) {
			listener(message);
		}
	}
}
