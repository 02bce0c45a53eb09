// Headless output: every summary, alert, error and the end record as one JSON object per line.
import {exitCodes} from '../exit-codes.js';
import type {WorkerMessage} from '../model/messages.js';
import type {MonitorConnection} from '../model/monitor-connection.js';
import {isVersionedRecord, ndjsonSchemaVersion} from '../model/ndjson-schema.js';
import {formatError} from './error-report.js';
import type {StandardOutput} from './standard-output.js';

/** Returns the exit code of the first error the worker reported; a failed standard output sets its own. */
export async function runNdjsonOutput(connection: MonitorConnection, stdout: StandardOutput): Promise<number> {
	let exitCode: number = exitCodes.ok;
	stdout.onFailure(() => {
		// Nothing more can be written, so the capture stops; the --alerts file still gets every alert
		// raised until the worker has stopped.
		connection.send({type: 'stop'});
	});
	connection.onMessage((message: WorkerMessage) => {
		if (message.type === 'error') {
			exitCode = exitCode === exitCodes.ok ? message.exitCode : exitCode;
			process.stderr.write(formatError(message));
		} else if (message.type === 'end' && message.warning !== undefined) {
			// A reader of standard output may never look inside the end record: a cut or corrupt input is said where people look.
			process.stderr.write(`minewatch: warning: ${message.warning}\n`);
		}

		// `schema` right after `type`, where a reader looking at a line sees it first.
		const record = isVersionedRecord(message.type) ? {...{type: message.type, schema: ndjsonSchemaVersion}, ...message} : message;
		stdout.write(JSON.stringify(record) + '\n');
	});
	await connection.exited;
	return exitCode;
}
