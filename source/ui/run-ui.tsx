// Runs the live monitor on the terminal: takes over the alternate screen and mounts the Ink app in a
// terminal session, which gives the terminal back (cursor, raw mode, main screen) however the
// monitor ends and prints the closing summary.
import './interactive-terminal.js';
import {render, type Instance} from 'ink';
import type {RenderOptions} from 'ink';
import type {MonitorConnection} from '../model/monitor-connection.js';
import {MonitorStore, type ExitReason} from './monitor-store.js';
import {MonitorApp} from './monitor-app.js';
import type {UiResult} from '../view/closing-summary.js';
import {runTerminalSession, sessionResult} from '../view/terminal-session.js';
import type {TerminalSize} from '../view/layout.js';

export {MonitorStore} from './monitor-store.js';
export {MonitorApp} from './monitor-app.js';
export {closingSummary, type UiExitReason, type UiResult} from '../view/closing-summary.js';

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

export async function runUi(connection: MonitorConnection, options: UiOptions): Promise<UiResult> {
	const {stdin, stdout} = options;
	const store = new MonitorStore(connection, {replay: options.replay, speed: options.speed, size: terminalSize(stdout)});
	let instance: Instance | undefined;

	return runTerminalSession({
		connection,
		stdin,
		stdout,
		stderr: options.stderr,
		start(ending) {
			store.onExit((reason: ExitReason) => {
				ending.finish(reason === 'quit' ? 'quit' : 'worker-error');
			});
			stdout.write(enterAlternateScreen);
			instance = mountMonitor(store, {stdin, stdout, stderr: options.stderr});
			// Only once mounted: messages held since the worker started may end the session at once (a
			// fatal error), and then there must be a mounted monitor to take down.
			store.start();
			instance.waitUntilExit().then(() => {
				ending.finish('quit');
			}, ending.fail);
		},
		result: (reason, wallMilliseconds, internalError) => sessionResult(store.latest, reason, wallMilliseconds, internalError),
		restore() {
			store.dispose();
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
		},
	});
}
