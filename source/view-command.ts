// `minewatch view FILE|-`: the flags it takes, and the NDJSON connection and key stream it runs on.
import {createReadStream, openSync, statSync} from 'node:fs';
import {ReadStream} from 'node:tty';
import {exitCodes} from './exit-codes.js';
import {NdjsonConnection} from './input/ndjson-connection.js';
import {parseSpeed, UsageError, type Speed} from './options.js';

export interface ViewPlan {
	connection: NdjsonConnection;
	output: 'ui' | 'wall';
	/** Where keys come from: /dev/tty when the stream itself arrives on standard input. */
	keys: NodeJS.ReadStream;
	/** A finished file replays (speed keys work); a stream on standard input goes at the sensor's pace. */
	replay: boolean;
	speed: Speed;
}

/** A problem found before anything is shown: one line on standard error, and the exit code. */
export class ViewFailure extends Error {
	constructor(message: string, readonly exitCode: number) {
		super(message);
	}
}

/** The flags view takes; any other is refused, so that nobody believes it did something. */
const viewFlags = new Set(['wall', 'speed']);

/** `given`: the flags typed, by name as the parser names them. */
export function planView(operands: readonly string[], given: Record<string, unknown>, stdoutIsTerminal: boolean): ViewPlan {
	if (operands.length !== 1) {
		throw new UsageError('view takes one NDJSON file, or - for standard input: minewatch view FILE|-');
	}

	const refused = Object.keys(given).find(name => !viewFlags.has(name));
	if (refused !== undefined) {
		throw new UsageError(`--${refused.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)} is for capturing: minewatch view shows what a sensor wrote, and takes only --wall and --speed`);
	}

	const path = operands[0]!;
	const fromStandardInput = path === '-';
	if (fromStandardInput && given['speed'] !== undefined) {
		throw new UsageError('--speed paces a finished NDJSON file: a stream on standard input is shown as it arrives');
	}

	if (fromStandardInput && process.stdin.isTTY === true) {
		throw new UsageError('view - reads the stream on standard input: pipe it in (ssh sensor minewatch -i eth0 --json | minewatch view -), or give a file');
	}

	const speed = typeof given['speed'] === 'string' ? parseSpeed(given['speed']) : 1;
	if (!stdoutIsTerminal) {
		throw new ViewFailure('minewatch view needs a terminal on standard output to draw on', exitCodes.noTerminal);
	}

	let keys: NodeJS.ReadStream = process.stdin;
	if (fromStandardInput) {
		try {
			keys = new ReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
		} catch (error) {
			throw new ViewFailure(`minewatch view -: no terminal to read keys from (/dev/tty: ${(error as NodeJS.ErrnoException).code ?? 'unusable'}); run it in a terminal, or save the stream and view the file`, exitCodes.noTerminal);
		}
	}

	let fileSize: number | undefined;
	if (!fromStandardInput) {
		try {
			const stat = statSync(path);
			if (!stat.isFile()) {
				throw new ViewFailure(`cannot view ${path}: not a file`, exitCodes.badInput);
			}

			fileSize = stat.size;
		} catch (error) {
			if (error instanceof ViewFailure) {
				throw error;
			}

			const code = (error as NodeJS.ErrnoException).code;
			throw new ViewFailure(`cannot view ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'}`, exitCodes.badInput);
		}
	}

	const input = fromStandardInput ? process.stdin : createReadStream(path);
	const connection = new NdjsonConnection({input, name: path, pace: fromStandardInput ? undefined : speed, fileSize});
	return {connection, output: given['wall'] === true ? 'wall' : 'ui', keys, replay: !fromStandardInput, speed};
}
