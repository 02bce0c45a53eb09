// How an output that cannot be written (standard output, the --alerts file) is reported: the
// system's own words for the error, and its code for searching.
import {getSystemErrorMap} from 'node:util';

export function describeWriteFailure(error: unknown): string {
	const {code, errno, message} = error as NodeJS.ErrnoException;
	if (code === undefined || errno === undefined) {
		return message?.split('\n')[0] ?? String(error);
	}

	// A file opened for appending is created, so only its directory can be missing.
	const reason = code === 'ENOENT' ? 'no such directory' : getSystemErrorMap().get(errno)?.[1] ?? message.split('\n')[0];
	return `${reason} (${code})`;
}
