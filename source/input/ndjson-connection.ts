// `minewatch view`: the NDJSON that `minewatch --json` writes, read from a file or standard input
// and handed to a renderer with the capture worker's shape (onMessage, firstMessage, send, exited),
// so the Ink UI and the wall show a remote sensor as they show a local capture. The controls a
// renderer sends are answered here: the host window from the hosts the stream carries, pause and
// speed by pacing a finished file's records at their capture times.
import type {Readable} from 'node:stream';
import {exitCodes} from '../exit-codes.js';
import {systemClock, type Clock} from '../model/clock.js';
import type {ControlMessage, End, HostView, Summary, WorkerMessage} from '../model/messages.js';
import {MessageRelay} from '../model/monitor-connection.js';
import {ndjsonSchemaVersion} from '../model/ndjson-schema.js';
import type {Speed} from '../options.js';
import {LineSplitter} from './line-splitter.js';
import {parseRecordLine} from './ndjson-records.js';
import {RecordPacer} from './record-pacer.js';
import {hostWindow} from './streamed-hosts.js';

type Listener = (message: WorkerMessage) => void;

export interface NdjsonConnectionOptions {
	input: Readable;
	/** How the input is named in messages: a file name, or `-` for standard input. */
	name: string;
	/** A finished file is replayed at this pace; without it, records are shown as they arrive (a live stream). */
	pace?: Speed;
	/** The file's size in bytes, for the replay's progress. */
	fileSize?: number;
	clock?: Clock;
}

/** Until a renderer asks for its window: the sensor's own order, as many as it sent. */
const initialView: HostView = {sort: 'severity', reverse: false, filter: '', offset: 0, limit: 10_000};
/** Parsed records waiting for their time before reading stops for a while: a long file is not held whole. */
const queueHighWater = 2000;
const queueLowWater = 500;
/** A burst of bad lines updates the count on screen a few times a second, not once a line. */
const badLineRefreshMilliseconds = 250;

interface Queued {
	message: WorkerMessage;
	captureTime: number | undefined;
	bytes: number;
}

function captureTimeOf(message: WorkerMessage): number | undefined {
	const time = message.type === 'summary' || message.type === 'alert' ? message.time : undefined;
	return time === undefined ? undefined : Date.parse(time);
}

export class NdjsonConnection {
	readonly exited: Promise<void>;
	private readonly relay = new MessageRelay();
	private readonly splitter = new LineSplitter();
	private readonly clock: Clock;
	private readonly pacer: RecordPacer | undefined;
	private readonly queue: Queued[] = [];
	private view: HostView = initialView;
	private latest: Summary | undefined;
	private badLines = 0;
	private alertsRaised = 0;
	private bytesShown = 0;
	private inputEnded = false;
	/** A record of an unknown schema was read: nothing after it is. */
	private rejected = false;
	/** Why reading stopped early, when it did (an I/O error). */
	private problem: string | undefined;
	private ended = false;
	private cancelWake: (() => void) | undefined;
	private cancelBadLineRefresh: (() => void) | undefined;
	private resolveExited!: () => void;

	constructor(private readonly options: NdjsonConnectionOptions) {
		this.clock = options.clock ?? systemClock;
		this.pacer = options.pace === undefined ? undefined : new RecordPacer(this.clock, options.pace);
		this.exited = new Promise(resolve => {
			this.resolveExited = resolve;
		});
		const {input} = options;
		input.on('data', (chunk: Buffer | string) => {
			this.read(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
		});
		input.on('end', () => {
			this.inputFinished(undefined);
		});
		input.on('error', (error: NodeJS.ErrnoException) => {
			this.inputFinished(`reading ${this.describeInput()} failed: ${error.code ?? error.message.split('\n')[0]}`);
		});
	}

	onMessage(listener: Listener): () => void {
		return this.relay.onMessage(listener);
	}

	/** The first message, without consuming it: an error means there is nothing to show. */
	async firstMessage(): Promise<WorkerMessage> {
		return this.relay.firstMessage();
	}

	send(message: ControlMessage): void {
		switch (message.type) {
			case 'view': {
				this.view = message.view;
				this.showLatest();
				break;
			}

			case 'pause':
			case 'resume':
			case 'speed': {
				if (this.pacer === undefined) {
					// A live stream goes at the sensor's pace: there is nothing to slow down.
					return;
				}

				if (message.type === 'pause') {
					this.pacer.pause();
				} else if (message.type === 'resume') {
					this.pacer.resume();
				} else {
					this.pacer.setSpeed(message.speed);
				}

				this.showLatest();
				this.pump();
				break;
			}

			case 'stop': {
				this.close();
				break;
			}
		}
	}

	private describeInput(): string {
		return this.options.name === '-' ? 'standard input' : this.options.name;
	}

	private read(chunk: Buffer): void {
		if (this.ended || this.rejected) {
			return;
		}

		for (const line of this.splitter.push(chunk)) {
			if (!this.rejected) {
				this.take(line.kind === 'line' ? line.text : undefined);
			}
		}

		this.pump();
	}

	/** One line (undefined: one too long to be a record). */
	private take(text: string | undefined): void {
		if (text !== undefined && text.trim() === '') {
			return;
		}

		const parsed = text === undefined ? {kind: 'bad' as const} : parseRecordLine(text);
		switch (parsed.kind) {
			case 'bad': {
				this.badLines++;
				this.refreshBadLineCount();
				break;
			}

			case 'unknown-schema': {
				// After the records before it, and nothing after it: none of the stream can be read as it was meant.
				const message = `${this.describeInput()} is NDJSON of schema ${parsed.schema}, and this minewatch reads schema ${ndjsonSchemaVersion}: view it with the sensor's minewatch version`;
				this.queue.push({message: {type: 'error', exitCode: exitCodes.badInput, message}, captureTime: undefined, bytes: 0});
				this.rejected = true;
				break;
			}

			case 'record': {
				this.queue.push({message: parsed.message, captureTime: captureTimeOf(parsed.message), bytes: Buffer.byteLength(text!) + 1});
				if (this.queue.length > queueHighWater) {
					this.options.input.pause();
				}

				break;
			}
		}
	}

	private inputFinished(problem: string | undefined): void {
		if (this.inputEnded) {
			return;
		}

		this.inputEnded = true;
		const last = this.splitter.finish();
		if (last !== undefined && !this.rejected) {
			this.take(last.kind === 'line' ? last.text : undefined);
		}

		this.problem = problem;
		this.pump();
	}

	/** Delivers every queued record that is due, then waits for the next one or finishes the stream. */
	private pump(): void {
		if (this.ended) {
			return;
		}

		this.cancelWake?.();
		this.cancelWake = undefined;
		while (this.queue.length > 0) {
			const head = this.queue[0]!;
			const wait = this.pacer?.wait(head.captureTime) ?? 0;
			if (wait > 0) {
				if (Number.isFinite(wait)) {
					this.cancelWake = this.clock.wakeAfter(wait, () => {
						this.cancelWake = undefined;
						this.pump();
					});
				}

				return;
			}

			this.queue.shift();
			this.pacer?.delivered(head.captureTime);
			this.bytesShown += head.bytes;
			this.deliver(head.message);
			if (this.ended) {
				return;
			}

			if (this.queue.length < queueLowWater && this.options.input.isPaused()) {
				this.options.input.resume();
			}
		}

		if (this.inputEnded) {
			this.finishStream();
		}
	}

	private deliver(message: WorkerMessage): void {
		switch (message.type) {
			case 'summary': {
				this.latest = message;
				this.emit(this.windowed(message, true));
				break;
			}

			case 'alert': {
				if (message.update !== true) {
					this.alertsRaised++;
				}

				this.emit(message);
				break;
			}

			case 'end': {
				this.emitEnd(message);
				break;
			}

			case 'error': {
				// The sensor's capture failed: that is how its run ended, and how this one does.
				this.emit(message);
				this.close();
				break;
			}
		}
	}

	/** The stream ended without an end record (the sensor was killed, the connection broke, the file was cut). */
	private finishStream(): void {
		const summary = this.latest;
		if (summary === undefined) {
			const bad = this.badLines > 0 ? ` (${this.badLines} unreadable line${this.badLines === 1 ? '' : 's'})` : '';
			this.fail(this.problem ?? `${this.describeInput()} holds no minewatch NDJSON record${bad}: it is what minewatch --json writes`);
			return;
		}

		const end: End = {
			type: 'end',
			source: summary.source,
			...summary.totals,
			corrupt: 0,
			durationMs: 0,
			alerts: this.alertsRaised,
			alertsOpen: summary.alertsOpen,
			reason: 'end-of-file',
			warning: this.problem ?? `${this.describeInput()} ended without its end record: the sensor stopped or the stream was cut`,
		};
		if (summary.capture !== undefined) {
			end.capture = summary.capture;
		}

		this.emitEnd(end);
	}

	private emitEnd(end: End): void {
		this.ended = true;
		this.showLatest();
		this.emit(end);
		this.close();
	}

	private fail(message: string): void {
		this.ended = true;
		this.emit({type: 'error', exitCode: exitCodes.badInput, message});
		this.close();
	}

	/** The latest summary again, for a new window, speed or count of bad lines; without its history, which was drawn once already. */
	private showLatest(): void {
		if (this.latest !== undefined) {
			this.emit(this.windowed(this.latest, false));
		}
	}

	private refreshBadLineCount(): void {
		this.cancelBadLineRefresh ??= this.clock.wakeAfter(badLineRefreshMilliseconds, () => {
			this.cancelBadLineRefresh = undefined;
			if (!this.ended) {
				this.showLatest();
			}
		});
	}

	private windowed(summary: Summary, withHistory: boolean): Summary {
		const window = hostWindow(summary.hosts, this.view);
		const {history, detail: _ignored, ...rest} = summary;
		const shown: Summary = {
			...rest,
			hostsMatched: window.matched,
			hosts: window.rows,
			streamed: {hostsCarried: summary.hosts.length, hostsAtSensor: summary.hostsTracked, badLines: this.badLines},
		};
		if (withHistory && history !== undefined) {
			shown.history = history;
		}

		if (window.detail !== undefined) {
			shown.detail = window.detail;
		}

		if (this.pacer !== undefined) {
			shown.speed = this.pacer.currentSpeed;
			shown.paused = this.pacer.paused;
			shown.progress = {bytesRead: this.bytesShown, loops: 0, finished: this.ended};
			if (this.options.fileSize !== undefined) {
				shown.progress.fileSize = this.options.fileSize;
			}
		}

		return shown;
	}

	private close(): void {
		this.ended = true;
		this.cancelWake?.();
		this.cancelBadLineRefresh?.();
		this.queue.length = 0;
		this.options.input.destroy();
		this.resolveExited();
	}

	private emit(message: WorkerMessage): void {
		this.relay.deliver(message);
	}
}
