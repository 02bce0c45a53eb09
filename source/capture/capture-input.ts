// Opens a capture file or standard input as a byte stream, gunzipping it when its content is gzip
// (whatever its name), and counts the raw bytes read so progress can be shown against the file size.
import {close, constants as fsConstants, fstat, open, read} from 'node:fs';
import {Socket, type OnReadOpts, type SocketConstructorOpts} from 'node:net';
import {PassThrough, Readable, Transform} from 'node:stream';
import {isatty} from 'node:tty';
import {promisify} from 'node:util';
import {constants as zlibConstants, createGunzip} from 'node:zlib';
import {InputError, readFailure} from './input-error.js';
import {PipeRingStream} from './pipe-ring.js';
import {ReadSlabs} from './read-slabs.js';

export interface CaptureInput {
	/** The capture bytes, already decompressed. */
	stream: Readable;
	/** Size of the raw (possibly compressed) file; absent for standard input, pipes and devices. */
	fileSize?: number;
	/** Raw bytes read so far, comparable with `fileSize`. */
	bytesRead(): number;
	/**
	 * Says that the reader is done with a chunk of `stream`, so its memory may take later reads
	 * (see ReadSlabs); chunks from anywhere else are ignored.
	 */
	releaseChunk(chunk: Uint8Array): void;
	close(): void;
}

const gzipMagic = [0x1f, 0x8b] as const;
/** An empty non-blocking descriptor is polled again after this long at first, backing off while it stays empty. */
const firstRetryMillis = 1;
const longestRetryMillis = 16;
const standardInputFd = 0;
/** Opens standard input's pipe anew, as a description of its own that may be made non-blocking. */
const standardInputReopened = '/proc/self/fd/0';

const openFile = promisify(open);
const statDescriptor = promisify(fstat);

/**
 * Sequential reads from a file descriptor (a file, or standard input redirected from one) into read
 * slabs. An EAGAIN (the main thread may have made standard input non-blocking) means "not yet", not
 * an error.
 */
class DescriptorStream extends Readable {
	bytesRead = 0;
	private readonly slabs = new ReadSlabs();
	private retryMillis = firstRetryMillis;

	constructor(private readonly fd: number, private readonly ownsDescriptor: boolean, private readonly name: string) {
		super({highWaterMark: ReadSlabs.slabBytes});
	}

	releaseChunk(chunk: Uint8Array): void {
		this.slabs.release(chunk);
	}

	override _read(): void {
		const room = this.slabs.room();
		const attempt = (): void => {
			read(this.fd, room, 0, room.length, null, (error, length) => {
				if (this.destroyed) return;
				if (error?.code === 'EAGAIN') {
					setTimeout(attempt, this.retryMillis);
					this.retryMillis = Math.min(longestRetryMillis, this.retryMillis * 2);
				} else if (error) {
					this.destroy(readFailure(this.name, error));
				} else {
					this.retryMillis = firstRetryMillis;
					this.bytesRead += length;
					this.push(length === 0 ? null : this.slabs.take(length));
				}
			});
		};

		attempt();
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		if (this.ownsDescriptor) close(this.fd, () => callback(error));
		else callback(error);
	}
}

/**
 * A socket on standard input (Node's spawn gives its children one), or a pipe where /proc cannot
 * reopen it for PipeRingStream, read by the event loop (a thread-pool read per 64 KiB pipe chunk made
 * `cat FILE |` twice as slow as the file) straight into read slabs: the socket's `onread`
 * takes each read's memory from the slabs, where a plain socket allocates 64 KiB per read, 25,000
 * buffers for the collector per gigabyte.
 */
class StandardInputPipe extends Readable {
	bytesRead = 0;
	private readonly slabs = new ReadSlabs();
	private readonly socket: Socket;

	constructor() {
		super({highWaterMark: ReadSlabs.slabBytes});
		// Node takes `onread` in the constructor too (lib/net.js), though its types list it for connect() only.
		const options: SocketConstructorOpts & {onread: OnReadOpts} = {
			fd: standardInputFd,
			readable: true,
			writable: false,
			onread: {
				buffer: () => this.slabs.room(),
				// false pauses the socket until `_read` asks for more.
				callback: (length: number) => {
					this.bytesRead += length;
					return this.push(this.slabs.take(length));
				},
			},
		};
		this.socket = new Socket(options);
		this.socket.on('end', () => this.push(null));
		this.socket.on('error', (error) => this.destroy(readFailure('standard input', error)));
	}

	releaseChunk(chunk: Uint8Array): void {
		this.slabs.release(chunk);
	}

	override _read(): void {
		this.socket.resume();
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		this.socket.destroy();
		callback(error);
	}
}

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

/** The raw bytes of `path` (`-` = standard input) and, for a regular file, its size. */
async function openRaw(path: string): Promise<{raw: DescriptorStream | StandardInputPipe | PipeRingStream; fileSize?: number}> {
	if (path === '-') {
		if (isatty(standardInputFd)) throw new InputError('standard input: is a terminal; pipe a capture into it or pass a file');
		// Descriptor 0 itself: process.stdin is an empty stream inside a worker thread.
		const info = await statDescriptor(standardInputFd);
		if (info.isFIFO()) {
			const fd = await openFile(standardInputReopened, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK).catch(() => undefined);
			// Without /proc the pipe is read like a socket, by the event loop.
			return {raw: fd === undefined ? new StandardInputPipe() : new PipeRingStream(fd, 'standard input')};
		}
		return {raw: info.isSocket() ? new StandardInputPipe() : new DescriptorStream(standardInputFd, false, 'standard input')};
	}
	let fd: number | undefined;
	try {
		fd = await openFile(path, 'r');
		const info = await statDescriptor(fd);
		if (info.isDirectory()) throw Object.assign(new Error('directory'), {code: 'EISDIR'});
		return {raw: new DescriptorStream(fd, true, path), fileSize: info.isFile() ? info.size : undefined};
	} catch (error) {
		if (fd !== undefined) close(fd, () => {});
		throw new InputError(describeOpenFailure(path, error));
	}
}

/** Resolves with the first `length` bytes (fewer at end of input), leaving the rest unread. */
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
	return {head: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), ended};
}

/** Opens `path` (`-` = standard input). @throws InputError (exit code 2) naming the file. */
export async function openCaptureInput(path: string): Promise<CaptureInput> {
	const name = path === '-' ? 'standard input' : path;
	const {raw, fileSize} = await openRaw(path);
	let head: Buffer;
	let ended: boolean;
	try {
		({head, ended} = await readHead(raw, gzipMagic.length));
	} catch (error) {
		raw.destroy();
		throw new InputError(describeOpenFailure(path, error));
	}

	const gzipped = head.length >= 2 && head[0] === gzipMagic[0] && head[1] === gzipMagic[1];
	// An input shorter than the magic has ended: what there is still goes to the reader, which names it.
	const source = ended ? Readable.from(head.length > 0 ? [head] : []) : raw;
	if (!ended) raw.unshift(head);
	let stream = source;
	if (gzipped) {
		// A truncated .gz should read like a truncated capture, not fail: flush what was decompressed.
		const gunzip = createGunzip({finishFlush: zlibConstants.Z_SYNC_FLUSH});
		const output = new PassThrough();
		source.on('error', error => output.destroy(error));
		gunzip.on('error', error => output.destroy(new InputError(`${name}: corrupt gzip data (${error.message})`)));
		// gunzip keeps its input past the callback: it gets a copy, so the read memory is free at once.
		const copied = new Transform({
			transform(chunk: Buffer, _encoding, done) {
				const copy = Buffer.from(chunk);
				raw.releaseChunk(chunk);
				done(null, copy);
			},
		});
		source.pipe(copied).pipe(gunzip).pipe(output);
		stream = output;
	}

	return {
		stream,
		fileSize,
		bytesRead: () => raw.bytesRead,
		releaseChunk: (chunk) => raw.releaseChunk(chunk),
		close: () => {
			raw.destroy();
			stream.destroy();
		},
	};
}
