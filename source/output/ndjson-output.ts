// Headless output: every summary, alert, error and the end record as one JSON object per line.
import type {CaptureThread} from '../capture/capture-thread.js';
import {exitCodes} from '../exit-codes.js';
import type {WorkerMessage} from '../model/messages.js';
import {formatError} from './error-report.js';

export async function runNdjsonOutput(thread: CaptureThread): Promise<number> {
	let exitCode: number = exitCodes.ok;
	process.stdout.on('error', () => {
		// The reader went away (e.g. `| head`): stop capturing; nothing more can be written.
		thread.send({type: 'stop'});
	});
	thread.onMessage((message: WorkerMessage) => {
		if (message.type === 'error') {
			exitCode = exitCode === exitCodes.ok ? message.exitCode : exitCode;
			process.stderr.write(formatError(message));
		}

		if (process.stdout.writable) {
			process.stdout.write(JSON.stringify(message) + '\n');
		}
	});
	await thread.exited;
	return exitCode;
}
