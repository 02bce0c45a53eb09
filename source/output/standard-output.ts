// Standard output, whoever writes to it (NDJSON, --list-interfaces, --help): the first write that
// fails is reported in one line, or not at all when the reader went away (`| head`), and sets the
// exit code it means; nothing more is written after it.
import {exitCodes} from '../exit-codes.js';
import {describeWriteFailure} from './write-failure.js';

export class StandardOutput {
	/** Set by the first failed write: `output`, or `closedPipe` for a reader that went away. */
	failureExitCode: number | undefined;
	private readonly failureListeners: Array<() => void> = [];
	private readonly stream = process.stdout;
	private listening = false;

	write(text: string): void {
		if (!this.listening) {
			// From the first write on only: the interactive UI never writes here, and a terminal that
			// fails under it stays an error its terminal session handles.
			this.listening = true;
			this.stream.on('error', error => {
				this.fail(error);
			});
		}

		if (this.failureExitCode === undefined) {
			this.stream.write(text);
		}
	}

	onFailure(listener: () => void): void {
		this.failureListeners.push(listener);
	}

	private fail(error: NodeJS.ErrnoException): void {
		if (this.failureExitCode !== undefined) {
			return;
		}

		if (error.code === 'EPIPE') {
			this.failureExitCode = exitCodes.closedPipe;
		} else {
			this.failureExitCode = exitCodes.output;
			process.stderr.write(`minewatch: cannot write standard output: ${describeWriteFailure(error)}\n`);
		}

		for (const listener of this.failureListeners) {
			listener();
		}
	}
}
