// How a renderer (the Ink UI, the wall) holds the terminal. The renderer takes the screen over and
// draws; the session gives the terminal back however it ends: the renderer's own quit, SIGINT or
// SIGTERM, the terminal closing (SIGHUP, or EIO from the terminal), an uncaught error or rejection,
// a fatal error from the capture worker, or the process exiting under it. Then it tells a
// still-running worker to stop, reports a fatal worker error on standard error and prints the
// closing summary on the main screen.
import {exitCodes, stopSignals} from '../exit-codes.js';
import {closingSummary, strongestAlerts, type UiExitReason, type UiResult} from './closing-summary.js';
import {clip} from './display-text.js';
import type {MonitorConnection} from '../model/monitor-connection.js';
import type {LatestData} from './message-intake.js';
import {unacknowledgedOpen} from './alert-ring.js';

/** How a renderer ends its session; only the first call counts. */
export interface SessionEnding {
	finish(reason: UiExitReason, internalError?: string): void;
	/** Ends the session as an internal error. */
	fail(error: unknown): void;
}

export interface TerminalSessionOptions {
	connection: MonitorConnection;
	/** The terminal's key stream and screen: an error on either (EIO) means the terminal closed. */
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	/** Where a fatal worker error is reported; standard error unless given. */
	stderr?: NodeJS.WriteStream;
	/** Takes the terminal over and starts drawing; whatever it throws ends the session as an internal error. */
	start(ending: SessionEnding): void;
	/** What the closing summary reports, read as the session ends, before anything is torn down. */
	result(reason: UiExitReason, wallMilliseconds: number, internalError: string | undefined): UiResult;
	/** Stops drawing and gives the terminal back (main screen, cursor, cooked mode); called at most once. */
	restore(): void;
}

export async function runTerminalSession(options: TerminalSessionOptions): Promise<UiResult> {
	const {connection, stdin, stdout} = options;
	const stderr = options.stderr ?? process.stderr;
	const startedAt = Date.now();

	return new Promise<UiResult>(resolve => {
		let finished = false;
		let restored = false;

		const restore = (): void => {
			if (!restored) {
				restored = true;
				options.restore();
			}
		};

		const finish = (reason: UiExitReason, internalError?: string): void => {
			if (finished) {
				return;
			}

			finished = true;
			const result = options.result(reason, Date.now() - startedAt, internalError);
			removeProcessHandlers();
			restore();
			// A worker that failed has ended already; any other waits to be told, a finished one too.
			if (reason !== 'worker-error') {
				connection.send({type: 'stop'});
			}

			if (reason === 'hangup') {
				// A closed terminal fails every write: what is printed below goes nowhere, and must not crash.
				stderr.on('error', ignoreError);
			}

			if (result.error) {
				stderr.write(`minewatch: ${result.error.message}\n${(result.error.hint ?? []).map(line => `  ${line}\n`).join('')}`);
			}

			stdout.write(`${closingSummary(result)}\n`);
			resolve(result);
		};

		const fail = (error: unknown): void => {
			finish('internal-error', clip(error instanceof Error ? error.message : String(error), 200));
		};

		const onSignal = (signal: NodeJS.Signals): void => {
			finish(signal === 'SIGHUP' ? 'hangup' : 'signal');
		};

		// Kept after the session: restoring a closed terminal and printing the summary fail the same way.
		const onTerminalError = (error: NodeJS.ErrnoException): void => {
			if (error.code === 'EIO') {
				finish('hangup');
			} else {
				fail(error);
			}
		};

		stdin.on('error', onTerminalError);
		stdout.on('error', onTerminalError);
		// A terminal gives no end of input while it is open: its end is a hang-up whose SIGHUP went to
		// the session leader only (a shell that traps it), noticed even when nothing is drawn (FINISHED).
		const onTerminalEnd = (): void => finish('hangup');
		stdin.on('end', onTerminalEnd);

		function removeProcessHandlers(): void {
			stdin.off('end', onTerminalEnd);
			for (const signal of stopSignals) {
				process.off(signal, onSignal);
			}

			process.off('uncaughtException', fail);
			process.off('unhandledRejection', fail);
			process.off('exit', restore);
		}

		for (const signal of stopSignals) {
			process.on(signal, onSignal);
		}

		process.on('uncaughtException', fail);
		process.on('unhandledRejection', fail);
		process.on('exit', restore);

		try {
			options.start({finish, fail});
		} catch (error: unknown) {
			fail(error);
		}
	});
}

function ignoreError(): void {}

/** What a session reports from everything a renderer received from the worker. */
export function sessionResult(received: LatestData, reason: UiExitReason, wallMilliseconds: number, internalError?: string): UiResult {
	const {summary, end, error} = received;
	const lastTime = summary?.time === undefined ? Number.NaN : Date.parse(summary.time);
	const firstTime = received.firstCaptureTime === undefined ? Number.NaN : Date.parse(received.firstCaptureTime);
	const captureMilliseconds = lastTime - firstTime;
	return {
		reason,
		exitCode: error?.exitCode ?? (reason === 'internal-error' ? exitCodes.internal : exitCodes.ok),
		wallMilliseconds,
		source: end?.source ?? summary?.source,
		captureMilliseconds: Number.isNaN(captureMilliseconds) ? undefined : captureMilliseconds,
		packets: end?.packets ?? summary?.totals.packets ?? 0,
		bytes: end?.bytes ?? summary?.totals.bytes ?? 0,
		flows: end?.flows ?? summary?.totals.flows ?? 0,
		alertsOpen: unacknowledgedOpen(end?.alertsOpen ?? summary?.alertsOpen ?? {low: 0, medium: 0, high: 0, critical: 0}, received.alerts),
		alertsSeen: Math.max(received.alertsSeen, end?.alerts ?? 0),
		topAlerts: strongestAlerts(received.alerts),
		end,
		error,
		internalError,
	};
}
