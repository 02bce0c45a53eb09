import {exitCodes} from '../exit-codes.js';

/** A capture file or standard input that cannot be opened or read: exit code 2, one line naming it. */
export class InputError extends Error {
	override name = 'InputError';
	readonly exitCode: number = exitCodes.badInput;
}

/** `error` from reading `name`, as the InputError the user sees (an InputError already is one). */
export function readFailure(name: string, error: Error): InputError {
	return error instanceof InputError ? error : new InputError(`${name}: read failed (${error.message})`);
}
