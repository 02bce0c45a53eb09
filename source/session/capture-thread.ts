// The main thread's handle on the capture worker: messages in, controls out, and a clean stop.
import {Worker} from 'node:worker_threads';
import {exitCodes} from '../exit-codes.js';
import type {ControlMessage, WorkerError, WorkerMessage} from '../model/messages.js';
import {MessageRelay, type MonitorConnection} from '../model/monitor-connection.js';
import type {SessionOptions} from '../options.js';
import {switchToUser, type UnprivilegedUser} from '../privilege.js';
import type {SourceOpen, UserSwitched} from './capture-session.js';

type Listener = (message: WorkerMessage) => void;
/** Returns an error when it could not do its part (the alert log cannot be written): the capture then ends with it. */
type Tap = (message: WorkerMessage) => WorkerError | undefined;

export class CaptureThread implements MonitorConnection {
	private readonly worker: Worker;
	private readonly relay = new MessageRelay();
	private ended = false;
	/** An error was reported: the worker stopping or failing after it adds nothing the user needs. */
	private errorReported = false;
	readonly exited: Promise<void>;

	/**
	 * `tap` sees every message as it arrives, before and independently of the listeners (e.g. the alert
	 * log). An error it returns reaches the listeners right after the message, as a worker error would,
	 * and the worker is told to stop.
	 */
	constructor(options: SessionOptions, private readonly tap?: Tap) {
		this.worker = new Worker(new URL('capture-worker.js', import.meta.url), {workerData: options});
		this.worker.on('message', (message: WorkerMessage | SourceOpen) => {
			if (message.type === 'source-open') {
				this.switchUser(options.unprivilegedUser!);
				return;
			}

			if (message.type === 'end') {
				this.ended = true;
			}

			this.emit(message);
		});
		// The error event can overtake messages the worker posted before it failed; by the exit event
		// those have all been delivered, so the error is reported then, after them.
		let crash: Error | undefined;
		this.worker.on('error', error => {
			crash = error;
		});
		this.exited = new Promise(resolve => {
			this.worker.on('exit', code => {
				// One error line per run: after a reported error, the worker failing or stopping adds nothing.
				if (this.errorReported) {
					resolve();
					return;
				}

				if (crash !== undefined) {
					this.emit({type: 'error', exitCode: exitCodes.internal, message: `capture worker failed: ${crash.message.split('\n')[0]}`});
				} else if (!this.ended) {
					this.emit({type: 'error', exitCode: exitCodes.internal, message: `capture worker stopped unexpectedly (exit code ${code})`});
				}

				resolve();
			});
		});
	}

	onMessage(listener: Listener): () => void {
		return this.relay.onMessage(listener);
	}

	/** The first message, without consuming it: an error means the capture never started. */
	async firstMessage(): Promise<WorkerMessage> {
		return this.relay.firstMessage();
	}

	send(message: ControlMessage): void {
		this.worker.postMessage(message);
	}

	/** The whole process switches (every thread): the worker reads no packet before it is told. */
	private switchUser(user: UnprivilegedUser): void {
		try {
			switchToUser(user);
		} catch (error) {
			this.send({type: 'stop'});
			this.emit({type: 'error', exitCode: exitCodes.capture, message: `cannot switch to user ${user.name ?? user.uid} after opening the capture: ${(error as Error).message}`});
			return;
		}

		const switched: UserSwitched = {type: 'user-switched'};
		this.worker.postMessage(switched);
	}

	private emit(message: WorkerMessage): void {
		if (message.type === 'error') this.errorReported = true;
		const tapFailure = this.tap?.(message);
		this.relay.deliver(message);
		if (tapFailure !== undefined) {
			this.send({type: 'stop'});
			this.emit(tapFailure);
		}
	}
}
