// Headless output: every summary, alert, error and the end record as one JSON object per line.
import type {CaptureThread} from '../capture/capture-thread.js';
import {exitCodes} from '../exit-codes.js';
import type {WorkerMessage} from '../model/messages.js';
import {formatError} from './error-report.js';
import {describeWriteFailure} from './write-failure.js';

export async function runNdjsonOutput(thread: CaptureThread): Promise<number> {
	let exitCode: number = exitCodes.ok;
	let stdoutFailed = false;
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (stdoutFailed) {
			return;
		}

		// Nothing more can be written, so the capture stops; the --alerts file still gets every alert
		// raised until the worker has stopped.
		stdoutFailed = true;
		thread.send({type: 'stop'});
		if (error.code === 'EPIPE') {
			// The reader went away (`| head`): as quiet as a tool killed by SIGPIPE.
			exitCode = exitCodes.closedPipe;
		} else {
			exitCode = exitCodes.output;
			process.stderr.write(`minewatch: cannot write standard output: ${describeWriteFailure(error)}\n`);
		}
	});
	thread.onMessage((message: WorkerMessage) => {
		if (message.type === 'error') {
			exitCode = exitCode === exitCodes.ok ? message.exitCode : exitCode;
			process.stderr.write(formatError(message));
		}

		if (!stdoutFailed) {
			process.stdout.write(JSON.stringify(message) + '\n');
		}
	});
	await thread.exited;
	return exitCode;
}
