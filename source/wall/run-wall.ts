// Runs the wall dashboard: a blessed screen fed by the worker's messages, redrawn at most twice a
// second, in the same terminal session as the Ink UI: the terminal is given back (main screen,
// cursor, cooked mode) however the wall ends (q or Ctrl+C among them), then the closing summary is
// printed. At the end of a replay the wall stays up, FINISHED.
import blessed from 'blessed';
import {defaultHostView} from '../model/messages.js';
import type {UiResult} from '../view/closing-summary.js';
import type {MonitorConnection} from '../model/monitor-connection.js';
import {runTerminalSession} from '../view/terminal-session.js';
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

export async function runWall(connection: MonitorConnection, options: WallOptions): Promise<UiResult> {
	const {stdin, stdout, replay} = options;
	const state = new WallState();
	let screen: blessed.Widgets.Screen | undefined;
	let unsubscribe: (() => void) | undefined;
	let refresh: NodeJS.Timeout | undefined;
	let requestedRows = 0;

	return runTerminalSession({
		connection,
		stdin,
		stdout,
		stderr: options.stderr,
		start(ending) {
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
			// Nor through the terminal's line-drawing character set (what ncurses's NCURSES_NO_UTF8_ACS
			// turns off): blessed would switch to it for box lines and ◆, which terminals that ignore the
			// switch, recordings and tmux's pane captures show as "lqqk" and a backtick.
			(screen as unknown as {tput: {brokenACS: boolean}}).tput.brokenACS = true;
			const wall = new WallScreen(screen);
			const askForHosts = (): void => {
				const rows = wall.hostRows;
				if (rows > 0 && rows !== requestedRows) {
					requestedRows = rows;
					const view = defaultHostView(rows);
					connection.send({type: 'view', view});
				}
			};

			const draw = (): void => {
				if (screen !== undefined) {
					wall.draw(state, replay);
				}
			};

			screen.key(['q', 'C-c'], () => {
				ending.finish('quit');
			});
			screen.on('resize', () => {
				wall.build();
				askForHosts();
				draw();
			});
			wall.build();
			askForHosts();
			refresh = setInterval(() => {
				if (state.settle()) {
					draw();
				}
			}, wallRefreshMilliseconds);
			// Only now: messages held since the worker started may end the session at once (a fatal error),
			// and then everything restore takes down must exist.
			unsubscribe = connection.onMessage(message => {
				state.receive(message);
				if (message.type === 'error') {
					ending.finish('worker-error');
				}
			});
			state.settle();
			draw();
		},
		result: (reason, wallMilliseconds, internalError) => state.result(reason, wallMilliseconds, internalError),
		restore() {
			clearInterval(refresh);
			unsubscribe?.();
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
		},
	});
}
