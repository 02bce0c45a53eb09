// Opens a capture file or standard input as a byte stream, gunzipping it when its content is gzip
// (whatever its name), and counts the raw bytes read so progress can be shown against the file size.
import {createReadStream, read} from 'node:fs';
import {stat} from 'node:fs/promises';
import {PassThrough, Readable} from 'node:stream';
import {isatty} from 'node:tty';
import {constants as zlibConstants, createGunzip} from 'node:zlib';
import {exitCodes} from '../exit-codes.js';

export interface CaptureInput {
	/** The capture bytes, already decompressed. */
	stream: Readable;
	/** Size of the raw (possibly compressed) file; absent for standard input, pipes and devices. */
	fileSize?: number;
	/** Raw bytes read so far, comparable with `fileSize`. */
	bytesRead(): number;
	close(): void;
}

export class InputError extends Error {
	override name = 'InputError';
	readonly exitCode: number = exitCodes.badInput;
}

const gzipMagic = [0x1f, 0x8b] as const;
/** How long to wait before reading standard input again when it has nothing yet. */
const emptyPipeRetryMillis = 5;

/**
 * Standard input read straight from file descriptor 0 (process.stdin is an empty stream inside a
 * worker thread). The main thread may have made the descriptor non-blocking (a terminal UI touching
 * process.stdin does), so an empty pipe answers EAGAIN: that means "not yet", not an error.
 */
function standardInputStream(): Readable {
	return new Readable({
		highWaterMark: readChunkBytes,
		read() {
			const buffer = Buffer.allocUnsafe(readChunkBytes);
			const attempt = (): void => {
				read(standardInputFd, buffer, 0, buffer.length, null, (error, bytesRead) => {
					if (error?.code === 'EAGAIN') {
						setTimeout(attempt, emptyPipeRetryMillis);
					} else if (error) {
						this.destroy(error);
					} else {
						this.push(bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
					}
				});
			};

			attempt();
		},
	});
}
/** Large reads: with the default 64 KiB chunks, replay spent a fifth of its time in read calls and waits. */
const readChunkBytes = 4 * 1024 * 1024;
const standardInputFd = 0;

function describeOpenFailure(path: string, error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case 'ENOENT':
			return `${path}: no such file`;
		case 'EACCES':
		case 'EPERM':
			return `${path}: permission denied`;
		case 'EISDIR':
			return `${path}: is a directory, not a capture file`;
		default:
			return `${path}: cannot be read (${error instanceof Error ? error.message : String(error)})`;
	}
}

/** Resolves with the first `length` bytes (fewer at end of input), leaving the stream paused and unread. */
async function readHead(raw: Readable, length: number): Promise<{head: Buffer; ended: boolean}> {
	const pieces: Buffer[] = [];
	let total = 0;
	let ended = false;
	while (total < length && !ended) {
		const chunk = raw.read() as Buffer | null;
		if (chunk !== null) {
			pieces.push(chunk);
			total += chunk.length;
			continue;
		}
		ended = await new Promise<boolean>((resolve, reject) => {
			const settle = (value: boolean, error?: Error): void => {
				raw.off('readable', onReadable);
				raw.off('end', onEnd);
				raw.off('error', onError);
				if (error === undefined) resolve(value);
				else reject(error);
			};
			const onReadable = (): void => settle(false);
			const onEnd = (): void => settle(true);
			const onError = (error: Error): void => settle(true, error);
			raw.once('readable', onReadable);
			raw.once('end', onEnd);
			raw.once('error', onError);
		});
	}
	return {head: Buffer.concat(pieces), ended};
}

/** Opens `path` (`-` = standard input). @throws InputError (exit code 2) naming the file. */
export async function openCaptureInput(path: string): Promise<CaptureInput> {
	const name = path === '-' ? 'standard input' : path;
	let raw: Readable;
	let fileSize: number | undefined;
	if (path === '-') {
		if (isatty(standardInputFd)) throw new InputError(`${name}: is a terminal; pipe a capture into it or pass a file`);
		// File descriptor 0 rather than process.stdin, which is an empty stream inside a worker thread.
		raw = standardInputStream();
	} else {
		try {
			const info = await stat(path);
			if (info.isDirectory()) throw Object.assign(new Error('directory'), {code: 'EISDIR'});
			if (info.isFile()) fileSize = info.size;
		} catch (error) {
			throw new InputError(describeOpenFailure(path, error));
		}
		raw = createReadStream(path, {highWaterMark: readChunkBytes});
	}

	let rawBytes = 0;
	let head: Buffer;
	let ended: boolean;
	try {
		({head, ended} = await readHead(raw, gzipMagic.length));
	} catch (error) {
		raw.destroy();
		throw new InputError(describeOpenFailure(path, error));
	}
	rawBytes += head.length;

	const gzipped = head.length >= 2 && head[0] === gzipMagic[0] && head[1] === gzipMagic[1];
	const stream = new PassThrough();
	raw.on('error', error => stream.destroy(new InputError(`${name}: read failed (${error.message})`)));
	// A truncated .gz should read like a truncated capture, not fail: flush what was decompressed.
	const gunzip = gzipped ? createGunzip({finishFlush: zlibConstants.Z_SYNC_FLUSH}) : undefined;
	gunzip?.on('error', error => stream.destroy(new InputError(`${name}: corrupt gzip data (${error.message})`)));
	gunzip?.pipe(stream);
	const sink = gunzip ?? stream;
	if (head.length > 0) sink.write(head);
	if (ended) sink.end();
	else {
		raw.on('data', (chunk: Buffer) => {
			rawBytes += chunk.length;
		});
		raw.pipe(sink);
	}

	return {
		stream,
		fileSize,
		bytesRead: () => rawBytes,
		close: () => {
			raw.unpipe(sink);
			raw.destroy();
			gunzip?.destroy();
			stream.destroy();
		},
	};
}
