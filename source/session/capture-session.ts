// One capture from start to end: a source (file replay or live helper) feeding the traffic pipeline
// and the detection engine, with summaries posted on a wall-clock interval and alerts as they occur.
// It runs inside the capture worker; the worker only relays messages.
import {exitCodes} from '../exit-codes.js';
import {defaultHostView, type CaptureStats, type ControlMessage, type End, type HostView, type SourceInfo, type Summary, type WorkerMessage} from '../model/messages.js';
import type {SessionOptions} from '../options.js';
import {CidrSet} from '../flows/cidr-set.js';
import {TrafficPipeline} from '../flows/traffic-pipeline.js';
import {DetectionEngine} from '../detect/engine.js';
import {loadPoolList} from '../detect/pool-list.js';
import {captureBuffering} from '../capture/capture-helper.js';
import {CaptureReader, NotACaptureError} from '../capture/capture-reader.js';
import {openCaptureInput, type CaptureInput} from '../capture/capture-input.js';
import {InputError} from '../capture/input-error.js';
import {PacketPump} from '../capture/packet-pump.js';
import {CaptureError, defaultCaptureHelper, defaultInterface, startLiveCapture, type LiveCapture} from '../capture/live-capture.js';
import {SummaryBuilder} from './summary-builder.js';

/**
 * The switch to the unprivileged user, between the worker and its CaptureThread (never seen by
 * renderers): `source-open` once the source is open, answered by `user-switched` once the main
 * thread switched, and the session reads no packet before that.
 */
export type SourceOpen = {type: 'source-open'};
export type UserSwitched = {type: 'user-switched'};

type Post = (message: WorkerMessage | SourceOpen) => void;
type EndReason = End['reason'];

/**
 * A live stop first waits out the helper's buffer timeout (so packets captured until the stop leave
 * the kernel ring), then asks the helper to end, which makes its output finite, and processes what it
 * delivered for up to `stopDrainMillis`; what is left after that is counted as discarded.
 */
const stopDrainMillis = 1500;
const bufferTimeoutMarginMillis = 100;

function describeHelperExit(exit: number | NodeJS.Signals | null): string {
	return typeof exit === 'string' ? `killed by ${exit}` : `exit code ${exit ?? 'unknown'}`;
}

export class CaptureSession {
	private readonly pipeline: TrafficPipeline;
	private readonly engine: DetectionEngine;
	private readonly summaries: SummaryBuilder;
	private readonly startedAt = Date.now();
	private view: HostView;
	private speed: SessionOptions['speed'];
	private paused = false;
	private stopRequested = false;
	private durationReached = false;
	private pump: PacketPump | undefined;
	private live: LiveCapture | undefined;
	/** Reads the live helper's stream: its record count is what the helper delivered. */
	private liveReader: CaptureReader | undefined;
	private discarded = 0;
	private drainTimer: NodeJS.Timeout | undefined;
	private input: CaptureInput | undefined;
	private loops = 0;
	/**
	 * With --loop each pass is shifted to start a second after the previous one ended, so capture
	 * time keeps moving forward: rates, sparklines and idle timeouts see one continuous capture.
	 */
	private loopOffsetMicros = 0;
	private firstTimestampMicros: number | undefined;
	private started = false;
	private finished = false;
	private corrupt = 0;
	private warning: string | undefined;
	private summaryTimer: NodeJS.Timeout | undefined;
	private durationTimer: NodeJS.Timeout | undefined;
	private source: SourceInfo;
	private userSwitched: (() => void) | undefined;
	/** The last summary: after the end, view answers are it with the view's hosts. */
	private finalSummary: Summary | undefined;
	private stopReceived: () => void = () => undefined;
	private readonly stopped = new Promise<void>(resolve => {
		this.stopReceived = resolve;
	});

	constructor(private readonly options: SessionOptions, private readonly post: Post) {
		const homeNet = CidrSet.parse(options.homeNet);
		this.engine = new DetectionEngine({
			homeNet,
			allow: CidrSet.parse(options.allow),
			extraPools: options.poolsFile === undefined ? undefined : loadPoolList(options.poolsFile),
			onAlert: alert => {
				this.post(alert);
			},
		});
		this.pipeline = new TrafficPipeline({
			observer: this.engine,
			homeNet,
			flowCap: options.flowCap,
			hostCap: options.hostCap,
			payloadBytes: options.payloadBytes,
		});
		this.speed = options.speed;
		this.view = defaultHostView(options.top);
		this.source = options.source.kind === 'file'
			? {kind: options.source.path === '-' ? 'stdin' : 'file', name: options.source.path}
			: {kind: 'live', name: options.source.interface ?? '', filter: options.filter};
		this.summaries = new SummaryBuilder(this.pipeline, this.engine);
	}

	control(message: ControlMessage | UserSwitched): void {
		switch (message.type) {
			case 'user-switched': {
				this.userSwitched?.();
				break;
			}

			case 'pause': {
				this.paused = true;
				this.pump?.pause();
				break;
			}

			case 'resume': {
				this.paused = false;
				this.pump?.resume();
				break;
			}

			case 'speed': {
				this.speed = message.speed;
				this.pump?.setSpeed(message.speed);
				break;
			}

			case 'view': {
				this.view = message.view;
				if (this.finalSummary === undefined) {
					this.postSummary();
				} else {
					this.postFinalView();
				}

				break;
			}

			case 'stop': {
				this.stop();
				break;
			}
		}
	}

	/**
	 * Runs the capture to its end and posts the `end` message (or an `error`); with
	 * `answerViewsAfterEnd`, a capture that ended without an error then answers view requests until stopped.
	 */
	async run(): Promise<void> {
		let reason: EndReason;
		try {
			reason = this.options.source.kind === 'file' ? await this.replay() : await this.capture();
		} catch (error) {
			this.postError(error);
			reason = 'error';
		}

		this.finish(reason);
		if (this.options.answerViewsAfterEnd === true && reason !== 'error') {
			await this.stopped;
		}
	}

	private stop(): void {
		this.stopReceived();
		if (this.stopRequested || this.finished) return;
		this.stopRequested = true;
		// no packet is read after a stop, so there is nothing left to wait for
		this.userSwitched?.();
		if (this.live === undefined || this.paused) {
			this.pump?.stop();
			return;
		}
		const live = this.live;
		this.drainTimer = setTimeout(() => {
			void live.stop();
			this.drainTimer = setTimeout(() => this.pump?.stop(), stopDrainMillis);
		}, captureBuffering.bufferTimeoutMillis[live.helper] + bufferTimeoutMarginMillis);
	}

	private startTimers(): void {
		this.summaryTimer = setInterval(() => {
			// A live link's capture time is the clock: it moves on when no packet comes, so idle flows
			// end and held findings come due on a quiet link too.
			if (this.live !== undefined) this.pipeline.tick(Date.now() * 1000);
			this.postSummary();
		}, this.options.intervalMs);
		if (this.options.durationSeconds !== undefined) {
			this.durationTimer = setTimeout(() => {
				this.durationReached = true;
				this.stop();
			}, this.options.durationSeconds * 1000);
		}
	}

	private remainingPackets(): number | undefined {
		return this.options.maxPackets === undefined ? undefined : this.options.maxPackets - this.pipeline.totals.packets;
	}

	private async replay(): Promise<EndReason> {
		const source = this.options.source;
		if (source.kind !== 'file') {
			throw new Error('replay needs a file source');
		}

		for (;;) {
			this.input = await openCaptureInput(source.path);
			if (this.loops === 0) {
				await this.switchUser();
			}

			const input = this.input;
			const reader = new CaptureReader(source.path === '-' ? 'standard input' : source.path, (chunk) => input.releaseChunk(chunk));
			const reason = await this.pumpPackets(reader, this.input.stream);
			this.input.close();
			this.collectReaderTotals(reader);
			// A pass without a packet would be followed by others without one, as fast as the file opens.
			const empty = reader.stats.packets === 0;
			if (reason !== 'end-of-file' || !source.loop || source.path === '-' || this.stopRequested || empty) {
				return this.stoppedReason(reason);
			}

			// Each pass replays the file's connections anew: its flows end with it, so the next pass's are
			// new flows (a flow still open at the end would otherwise swallow the next pass's SYN), and
			// each alert they show again counts as a new sighting.
			this.pipeline.flush();
			this.loops++;
			this.loopOffsetMicros = (this.pipeline.lastTimestampMicros ?? 0) + 1_000_000 - (this.firstTimestampMicros ?? 0);
		}
	}

	private async capture(): Promise<EndReason> {
		const source = this.options.source;
		if (source.kind !== 'live') {
			throw new Error('live capture needs an interface source');
		}

		const helper = source.helper ?? defaultCaptureHelper();
		if (helper === undefined) {
			throw new CaptureError('no capture helper found: install tcpdump (apt-get install tcpdump), or libpcap-dev and then npm rebuild pcap', []);
		}

		const iface = source.interface ?? await defaultInterface();
		if (iface === undefined) {
			throw new CaptureError('no network interface is up: name one with -i IFACE (see --list-interfaces)', []);
		}

		this.source = {kind: 'live', name: iface, filter: this.options.filter, captureHelper: helper};
		const live = await startLiveCapture({interface: iface, filter: this.options.filter, snaplen: source.snaplen, helper, user: this.options.unprivilegedUser});
		this.live = live;
		await this.switchUser();
		const reader = new CaptureReader(`${helper} on ${iface}`);
		this.liveReader = reader;
		try {
			this.summaries.startClock(Date.now() * 1000);
			this.markStarted();
			const reason = await this.pumpPackets(reader, live.stdout);
			// Its output ends before a stop only when the helper died (killed, crashed, the interface gone).
			const diedUnasked = reason === 'end-of-file' && !this.stopRequested;
			clearTimeout(this.drainTimer);
			// Whatever the helper delivered and was not processed is counted, never lost silently.
			const stopped = live.stop();
			// Counting needs no more than the record headers; a record that fails to parse ends the count,
			// and the reader's own totals say why.
			await new PacketPump({readable: live.stdout, reader, deliver: () => this.discarded++}).run().catch(() => 'end-of-file');
			await stopped;
			this.collectReaderTotals(reader);
			if (diedUnasked) {
				throw new CaptureError(`capture helper ${helper} on ${iface} ended before minewatch stopped it (${describeHelperExit(await live.exited)})`);
			}

			return this.stoppedReason(reason);
		} finally {
			live.discardOutput();
			await live.stop();
		}
	}

	/** Once the source is open: waits until the main thread has switched to the unprivileged user, if there is one. */
	private async switchUser(): Promise<void> {
		if (this.options.unprivilegedUser === undefined || this.stopRequested) return;
		const switched = new Promise<void>(resolve => {
			this.userSwitched = resolve;
		});
		this.post({type: 'source-open'});
		await switched;
		this.userSwitched = undefined;
	}

	private stoppedReason(reason: EndReason): EndReason {
		if (this.durationReached) {
			return 'duration';
		}

		// the helper's output ended because it was asked to stop
		return this.stopRequested && reason === 'end-of-file' ? 'stopped' : reason;
	}

	/** The live helper's counters and what it delivered; undefined for replay. */
	private captureStats(): CaptureStats | undefined {
		if (this.live === undefined || this.liveReader === undefined) return undefined;
		return {...this.live.stats(), delivered: this.liveReader.stats.packets, discarded: this.discarded};
	}

	/** The capture is open and packets flow: renderers may take over the screen from the first summary on. */
	private markStarted(): void {
		this.started = true;
		this.postSummary();
		this.startTimers();
	}

	private async pumpPackets(reader: CaptureReader, readable: CaptureInput['stream']): Promise<EndReason> {
		if (this.stopRequested) {
			return 'stopped';
		}

		this.pump = new PacketPump({
			readable,
			reader,
			speed: this.live === undefined ? this.speed : 'max',
			maxPackets: this.remainingPackets(),
			deliver: record => {
				record.timestampMicros += this.loopOffsetMicros;
				this.pipeline.packet(record);
				if (!this.started) {
					// After the packet, so that the first summary already has its capture time.
					this.firstTimestampMicros = record.timestampMicros;
					this.markStarted();
				}
			},
		});
		if (this.paused) {
			this.pump.pause();
		}

		try {
			return await this.pump.run();
		} catch (error) {
			if (error instanceof NotACaptureError && this.pipeline.totals.packets > 0) {
				this.warning = error.message;
				return 'end-of-file';
			}

			throw error;
		}
	}

	private collectReaderTotals(reader: CaptureReader): void {
		this.pipeline.totals.truncated += reader.stats.truncated;
		this.corrupt += reader.stats.corrupt;
		this.warning ??= reader.warning;
	}

	private postSummary(): void {
		if (!this.finished) {
			this.post(this.summary(false));
		}
	}

	private summary(finished: boolean): Summary {
		return this.summaries.build({
			source: this.source,
			view: this.view,
			speed: this.options.source.kind === 'file' ? this.speed : 'max',
			paused: this.paused,
			capture: this.captureStats(),
			progress: this.input === undefined ? undefined : {
				// Bytes read ahead into the reader are not played yet: count only what was delivered.
				bytesRead: Math.round(this.input.bytesRead() * (this.pump?.consumedFraction ?? 0)),
				fileSize: this.input.fileSize,
				loops: this.loops,
				finished,
			},
			final: finished,
		});
	}

	private finish(reason: EndReason): void {
		clearInterval(this.summaryTimer);
		clearTimeout(this.durationTimer);
		clearTimeout(this.drainTimer);
		this.pipeline.flush();
		this.finalSummary = this.summary(true);
		this.post(this.finalSummary);
		this.finished = true;
		this.post({
			type: 'end',
			source: this.source,
			...this.pipeline.totals,
			corrupt: this.corrupt,
			durationMs: Date.now() - this.startedAt,
			alerts: this.engine.alertCount,
			alertsOpen: this.engine.alertsOpen(),
			capture: this.captureStats(),
			reason,
			warning: this.warning,
		});
	}

	/** The final summary with the view's window: its traffic history went with it once and is not repeated. */
	private postFinalView(): void {
		const {history: _sent, ...final} = this.finalSummary!;
		this.post({...final, ...this.summaries.hostWindow(this.view)});
	}

	private postError(error: unknown): void {
		if (error instanceof InputError || error instanceof NotACaptureError) {
			this.post({type: 'error', exitCode: exitCodes.badInput, message: error.message});
		} else if (error instanceof CaptureError) {
			this.post({type: 'error', exitCode: exitCodes.capture, message: error.message, hint: error.hint});
		} else {
			const message = error instanceof Error ? error.message : String(error);
			this.post({type: 'error', exitCode: exitCodes.internal, message: `internal error: ${message.split('\n')[0]}`});
		}
	}
}
