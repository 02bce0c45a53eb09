// Runs the live monitor on the terminal: takes over the alternate screen, and gives the terminal
// back (cursor, raw mode, main screen) however the monitor ends: quit, SIGINT/SIGTERM, an uncaught
// error, or a fatal error from the capture worker. Then prints the closing summary.
import './interactive-terminal.js';
import {render, type Instance} from 'ink';
import type {RenderOptions} from 'ink';
import {exitCodes} from '../exit-codes.js';
import {MonitorStore, type ExitReason, type MonitorConnection} from './monitor-store.js';
import {MonitorApp} from './monitor-app.js';
import {closingSummary, strongestAlerts, type UiExitReason, type UiResult} from './closing-summary.js';
import {clip} from './display-text.js';
import type {TerminalSize} from './layout.js';

export type {MonitorConnection} from './monitor-store.js';
export {MonitorStore} from './monitor-store.js';
export {MonitorApp} from './monitor-app.js';
export {closingSummary, type UiExitReason, type UiResult} from './closing-summary.js';

export interface UiOptions {
	/** Where keys come from: a /dev/tty stream when the capture itself arrives on standard input. */
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	replay: boolean;
	speed: number | 'max';
	/** Where a fatal worker error is reported; standard error unless given. */
	stderr?: NodeJS.WriteStream;
}

const enterAlternateScreen = '\u001B[?1049h\u001B[H\u001B[2J\u001B[?25l';
const leaveAlternateScreen = '\u001B[?25h\u001B[?1049l';
export const maximumFramesPerSecond = 15;
const fallbackSize: TerminalSize = {columns: 80, rows: 24};

export function terminalSize(stdout: NodeJS.WriteStream): TerminalSize {
	return {columns: stdout.columns || fallbackSize.columns, rows: stdout.rows || fallbackSize.rows};
}

/** Mounts the monitor with the render options the live UI uses; also how a benchmark drives it. */
export interface MountOptions {
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	/** Called after every frame with the time it took to render. */
	onRender?: RenderOptions['onRender'];
}

export function mountMonitor(store: MonitorStore, options: MountOptions): Instance {
	return render(<MonitorApp store={store}/>, {
		stdin: options.stdin,
		stdout: options.stdout,
		stderr: options.stderr ?? process.stderr,
		onRender: options.onRender,
		exitOnCtrlC: false,
		patchConsole: false,
		maxFps: maximumFramesPerSecond,
	});
}

function describeError(error: unknown): string {
	return clip(error instanceof Error ? error.message : String(error), 200);
}

export async function runUi(connection: MonitorConnection, options: UiOptions): Promise<UiResult> {
	const {stdin, stdout} = options;
	const startedAt = Date.now();
	const store = new MonitorStore(connection, {replay: options.replay, speed: options.speed, size: terminalSize(stdout)});

	return new Promise<UiResult>(resolve => {
		let instance: Instance | undefined;
		let finished = false;
		let restored = false;

		const restoreTerminal = (): void => {
			if (restored) {
				return;
			}

			restored = true;
			try {
				instance?.unmount();
			} catch {
				// The screen is given back below whatever state Ink is in.
			}

			if (stdin.isTTY && stdin.isRaw) {
				stdin.setRawMode(false);
			}

			stdin.pause();
			stdout.write(leaveAlternateScreen);
		};

		const finish = (reason: UiExitReason, internalError?: string): void => {
			if (finished) {
				return;
			}

			finished = true;
			const latest = store.latest;
			store.dispose();
			removeProcessHandlers();
			restoreTerminal();
			if (reason === 'quit' || reason === 'signal') {
				connection.send({type: 'stop'});
			}

			const {summary, end, error} = latest;
			const lastTime = summary?.time === undefined ? Number.NaN : Date.parse(summary.time);
			const firstTime = latest.firstCaptureTime === undefined ? Number.NaN : Date.parse(latest.firstCaptureTime);
			const result: UiResult = {
				reason,
				exitCode: error?.exitCode ?? (reason === 'internal-error' ? exitCodes.internal : exitCodes.ok),
				wallMilliseconds: Date.now() - startedAt,
				source: end?.source ?? summary?.source,
				captureMilliseconds: Number.isNaN(lastTime - firstTime) ? undefined : lastTime - firstTime,
				packets: end?.packets ?? summary?.totals.packets ?? 0,
				bytes: end?.bytes ?? summary?.totals.bytes ?? 0,
				flows: end?.flows ?? summary?.totals.flows ?? 0,
				alertsOpen: end?.alertsOpen ?? summary?.alertsOpen ?? {low: 0, medium: 0, high: 0, critical: 0},
				alertsSeen: Math.max(latest.alertsSeen, end?.alerts ?? 0),
				topAlerts: strongestAlerts(latest.alerts),
				end,
				error,
				internalError,
			};
			if (error) {
				(options.stderr ?? process.stderr).write(`minewatch: ${error.message}\n${(error.hint ?? []).map(line => `  ${line}\n`).join('')}`);
			}

			stdout.write(`${closingSummary(result)}\n`);
			resolve(result);
		};

		const onSignal = (): void => {
			finish('signal');
		};

		const onCrash = (error: unknown): void => {
			finish('internal-error', describeError(error));
		};

		const onProcessExit = (): void => {
			restoreTerminal();
		};

		function removeProcessHandlers(): void {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
			process.off('uncaughtException', onCrash);
			process.off('unhandledRejection', onCrash);
			process.off('exit', onProcessExit);
		}

		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
		process.on('uncaughtException', onCrash);
		process.on('unhandledRejection', onCrash);
		process.on('exit', onProcessExit);
		store.onExit((reason: ExitReason) => {
			finish(reason === 'quit' ? 'quit' : 'worker-error');
		});

		try {
			stdout.write(enterAlternateScreen);
			store.start();
			instance = mountMonitor(store, {stdin, stdout, stderr: options.stderr});
			instance.waitUntilExit().then(() => {
				finish('quit');
			}, (error: unknown) => {
				finish('internal-error', describeError(error));
			});
		} catch (error: unknown) {
			finish('internal-error', describeError(error));
		}
	});
}
