// Runs the wall dashboard: a blessed screen fed by the worker's messages, redrawn at most twice a
// second. The terminal is given back (main screen, cursor, cooked mode) however the wall ends:
// q or Ctrl+C, SIGINT/SIGTERM, an uncaught error, or a fatal error from the capture worker. Then
// the Ink UI's closing summary is printed. At the end of a replay the wall stays up, FINISHED.
import blessed from 'blessed';
import type {HostView} from '../model/messages.js';
import {closingSummary, type UiExitReason, type UiResult} from '../ui/closing-summary.js';
import {clip} from '../ui/display-text.js';
import type {MonitorConnection} from '../ui/monitor-store.js';
import {WallScreen} from './wall-screen.js';
import {WallState} from './wall-state.js';

export interface WallOptions {
	/** Where keys come from: a /dev/tty stream when the capture itself arrives on standard input. */
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	replay: boolean;
	/** Where a fatal worker error is reported; standard error unless given. */
	stderr?: NodeJS.WriteStream;
}

/** The wall is for glancing at: two redraws a second are plenty, and cheap. */
export const wallRefreshMilliseconds = 500;

function describeError(error: unknown): string {
	return clip(error instanceof Error ? error.message : String(error), 200);
}

export async function runWall(connection: MonitorConnection, options: WallOptions): Promise<UiResult> {
	const {stdin, stdout, replay} = options;
	const startedAt = Date.now();
	const state = new WallState();

	return new Promise<UiResult>(resolve => {
		let finished = false;
		let screen: blessed.Widgets.Screen | undefined;
		let unsubscribe: (() => void) | undefined;
		let refresh: NodeJS.Timeout | undefined;
		let requestedRows = 0;

		const restoreTerminal = (): void => {
			const shown = screen;
			screen = undefined;
			try {
				shown?.destroy();
			} catch {
				// The process is ending; blessed has already written what it could.
			}

			// blessed pauses the key stream but leaves it referenced: a /dev/tty stream (keys while the
			// capture comes on standard input) would then keep the process alive after the wall is gone.
			stdin.pause();
			stdin.unref();
		};

		const finish = (reason: UiExitReason, internalError?: string): void => {
			if (finished) {
				return;
			}

			finished = true;
			clearInterval(refresh);
			unsubscribe?.();
			removeProcessHandlers();
			restoreTerminal();
			if (reason === 'quit' || reason === 'signal') {
				connection.send({type: 'stop'});
			}

			const result = state.result(reason, Date.now() - startedAt, internalError);
			if (result.error) {
				(options.stderr ?? process.stderr).write(`minewatch: ${result.error.message}\n${(result.error.hint ?? []).map(line => `  ${line}\n`).join('')}`);
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

		function removeProcessHandlers(): void {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
			process.off('uncaughtException', onCrash);
			process.off('unhandledRejection', onCrash);
			process.off('exit', restoreTerminal);
		}

		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
		process.on('uncaughtException', onCrash);
		process.on('unhandledRejection', onCrash);
		process.on('exit', restoreTerminal);

		try {
			screen = blessed.screen({
				input: stdin,
				output: stdout,
				smartCSR: true,
				fullUnicode: true,
				// Glyphs and box lines are drawn as Unicode, as the Ink UI draws them, whatever LANG says.
				forceUnicode: true,
				autoPadding: true,
				warnings: false,
			});
			const wall = new WallScreen(screen);
			const askForHosts = (): void => {
				const rows = wall.hostRows;
				if (rows > 0 && rows !== requestedRows) {
					requestedRows = rows;
					const view: HostView = {sort: 'severity', reverse: false, filter: '', offset: 0, limit: rows};
					connection.send({type: 'view', view});
				}
			};

			const draw = (): void => {
				if (screen !== undefined) {
					wall.draw(state, replay);
				}
			};

			screen.key(['q', 'C-c'], () => {
				finish('quit');
			});
			screen.on('resize', () => {
				wall.build();
				askForHosts();
				draw();
			});
			wall.build();
			askForHosts();
			unsubscribe = connection.onMessage(message => {
				state.receive(message);
				if (message.type === 'error') {
					finish('worker-error');
				}
			});
			state.settle();
			draw();
			refresh = setInterval(() => {
				if (state.settle()) {
					draw();
				}
			}, wallRefreshMilliseconds);
		} catch (error: unknown) {
			finish('internal-error', describeError(error));
		}
	});
}
