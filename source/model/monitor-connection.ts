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
