// The built CLI in a real terminal: a detached tmux session on a server of its own (its socket in
// the terminal's scratch folder), so a test reads the screen, types keys and ends only what it
// started, and nothing is left behind in tmux's shared socket folder.
import assert from 'node:assert/strict';
import {spawnSync, type SpawnSyncReturns} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {childPidsOf} from '../capture/live-support.js';
import {cliPath, repositoryRoot} from './repository.js';

export const tmuxAvailable = spawnSync('tmux', ['-V']).status === 0;

function shellQuote(text: string): string {
	return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}

/** True as soon as `predicate` holds, false when it still does not after `timeoutMilliseconds`. */
async function pollUntil(predicate: () => boolean, timeoutMilliseconds: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMilliseconds;
	while (Date.now() < deadline) {
		if (predicate()) {
			return true;
		}

		await new Promise(resolve => setTimeout(resolve, 250));
	}

	return predicate();
}

export interface CliTerminalOptions {
	columns: number;
	rows: number;
	/** What follows `minewatch` on the command line. */
	arguments: string[];
	/** Set for the CLI only, on its command line. */
	environment?: Record<string, string>;
	/** Arguments of another minewatch whose standard output is piped into this one's standard input. */
	pipedFrom?: string[];
}

export class CliTerminal {
	/** Runs the CLI in a new terminal of the given size; call `close` when done, also on failure. */
	static start(options: CliTerminalOptions): CliTerminal {
		const terminal = new CliTerminal();
		const assignments = Object.entries(options.environment ?? {}).map(([name, value]) => `${name}=${shellQuote(value)} `).join('');
		const feeder = options.pipedFrom === undefined ? '' : `${[process.execPath, cliPath, ...options.pipedFrom].map(shellQuote).join(' ')} | `;
		const cli = feeder + [process.execPath, cliPath, ...options.arguments].map(shellQuote).join(' ');
		// The shell stays a while after the CLI exits, so the screen it leaves behind can be read. Its
		// HUP trap (a handler, which the CLI does not inherit) lets it record the CLI's exit status
		// after the terminal closed too.
		const command = `trap : HUP; cd ${shellQuote(repositoryRoot)} && ${assignments}${cli}; echo EXIT=$? > ${shellQuote(terminal.exitFile)}; sleep 60`;
		const started = terminal.tmuxResult('new-session', '-d', '-x', String(options.columns), '-y', String(options.rows), command);
		if (started.status !== 0) {
			terminal.close();
			throw new Error(`tmux new-session failed: ${started.stderr}`);
		}

		return terminal;
	}

	private readonly scratch = mkdtempSync(path.join(tmpdir(), 'minewatch-terminal-'));
	private readonly socket = path.join(this.scratch, 'tmux');
	private readonly exitFile = path.join(this.scratch, 'exit');

	private constructor() {}

	/** The visible rows, one line each. */
	screen(): string {
		return this.tmux('capture-pane', '-p');
	}

	/** Waits until the screen satisfies `predicate`, and fails with the screen as it was if it never does. */
	async waitForScreen(predicate: (screen: string) => boolean, timeoutMilliseconds: number, description: string): Promise<string> {
		let screen = '';
		const shown = await pollUntil(() => predicate(screen = this.screen()), timeoutMilliseconds);
		assert.ok(shown, `${description}:\n${screen}`);
		return screen;
	}

	/** Resizes the terminal, as dragging its window does: the CLI gets SIGWINCH. */
	resize(columns: number, rows: number): void {
		this.tmux('resize-window', '-x', String(columns), '-y', String(rows));
	}

	sendKeys(...keys: string[]): void {
		this.tmux('send-keys', ...keys);
	}

	isOnAlternateScreen(): boolean {
		return this.paneFlag('alternate_on');
	}

	isCursorVisible(): boolean {
		return this.paneFlag('cursor_flag');
	}

	/**
	 * Types `key` and expects the CLI to exit 0 within `timeoutMilliseconds`, with the terminal given
	 * back: main screen, cursor visible. Returns the screen it left.
	 */
	async quitWith(key: string, timeoutMilliseconds: number): Promise<string> {
		this.sendKeys(key);
		const exitStatus = await this.waitForExit(timeoutMilliseconds);
		const screen = this.screen();
		assert.equal(exitStatus, 0, `exit status after ${key}:\n${screen}`);
		assert.ok(!this.isOnAlternateScreen(), 'back on the main screen');
		assert.ok(this.isCursorVisible(), 'the cursor is visible again');
		return screen;
	}

	/** The CLI's exit status once it has exited, or undefined if it is still running after `timeoutMilliseconds`. */
	async waitForExit(timeoutMilliseconds: number): Promise<number | undefined> {
		const exited = await pollUntil(() => this.exitStatus() !== undefined, timeoutMilliseconds);
		return exited ? this.exitStatus() : undefined;
	}

	hasExited(): boolean {
		return this.exitStatus() !== undefined;
	}

	/** The pid of the CLI: the pane shell's child running node (its command line shows its title); undefined once it has exited. */
	cliPid(): number | undefined {
		const shell = Number(this.tmux('display', '-p', '#{pane_pid}').trim());
		return [...childPidsOf(shell)].find(pid => {
			try {
				return readlinkSync(`/proc/${pid}/exe`) === process.execPath;
			} catch {
				return false;
			}
		});
	}

	/** Closes the terminal under the CLI, as closing its window does: the pane's processes get SIGHUP. */
	hangUp(): void {
		this.tmuxResult('kill-session');
	}

	/** Ends this terminal's tmux server (and the CLI in it) and removes its scratch files. */
	close(): void {
		this.tmuxResult('kill-server');
		rmSync(this.scratch, {recursive: true, force: true});
	}

	private exitStatus(): number | undefined {
		if (!existsSync(this.exitFile)) {
			return undefined;
		}

		const status = /EXIT=(\d+)/.exec(readFileSync(this.exitFile, 'utf8'))?.[1];
		return status === undefined ? undefined : Number(status);
	}

	private paneFlag(name: string): boolean {
		return this.tmux('display', '-p', `#{${name}}`).trim() === '1';
	}

	private tmux(...arguments_: string[]): string {
		return this.tmuxResult(...arguments_).stdout ?? '';
	}

	private tmuxResult(...arguments_: string[]): SpawnSyncReturns<string> {
		return spawnSync('tmux', ['-S', this.socket, ...arguments_], {encoding: 'utf8', timeout: 5000});
	}
}
