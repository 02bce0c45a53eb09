// How a worker error reads on the terminal: one line, then any hint lines indented under it.
import type {WorkerError} from '../model/messages.js';

export function formatError(error: WorkerError): string {
	const hints = (error.hint ?? []).map(line => `  ${line}`);
	return [`minewatch: ${error.message}`, ...hints].join('\n') + '\n';
}
