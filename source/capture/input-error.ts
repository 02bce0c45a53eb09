import {exitCodes} from '../exit-codes.js';

/** A capture file or standard input that cannot be opened or read: exit code 2, one line naming it. */
export class InputError extends Error {
	override name = 'InputError';
	readonly exitCode: number = exitCodes.badInput;
}
