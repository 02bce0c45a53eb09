// Opens a capture file or standard input as a byte stream, gunzipping it when its content is gzip
// (whatever its name), and counts the raw bytes read so progress can be shown against the file size.
import {close, fstat, open, read} from 'node:fs';
import {Socket} from 'node:net';
import {PassThrough, Readable} from 'node:stream';
import {isatty} from 'node:tty';
import {promisify} from 'node:util';
import {constants as zlibConstants, createGunzip} from 'node:zlib';
import {exitCodes} from '../exit-codes.js';

export interface CaptureInput {
	/** The capture bytes, already decompressed. */
	stream: Readable;
	/** Size of the raw (possibly compressed) file; absent for standard input, pipes and devices. */
	fileSize?: number;
	/** Raw bytes read so far, comparable with `fileSize`. */
	bytesRead(): number;
	/**
	 * Says that the reader is done with a chunk of `stream`, so its memory may take later reads
	 * (see DescriptorStream); chunks from anywhere else are ignored.
	 */
	releaseChunk(chunk: Uint8Array): void;
	close(): void;
}

export class InputError extends Error {
	override name = 'InputError';
	readonly exitCode: number = exitCodes.badInput;
}

const gzipMagic = [0x1f, 0x8b] as const;
/** Large reads: with the default 64 KiB chunks, replay spent a fifth of its time in read calls and waits. */
const slabBytes = 4 * 1024 * 1024;
/** A slab with less room than this left is retired rather than asked for a short read. */
const smallestReadBytes = 64 * 1024;
/** Released slabs kept for the next reads; the reader holds at most a few slabs' worth at a time. */
const spareSlabLimit = 2;
/** An empty non-blocking descriptor is polled again after this long at first, backing off while it stays empty. */
const firstRetryMillis = 1;
const longestRetryMillis = 16;
const standardInputFd = 0;

const openFile = promisify(open);
const statDescriptor = promisify(fstat);

/**
 * Sequential reads from a file descriptor (a file, or standard input redirected from one). Reads land
 * in the unused tail of one slab, so short reads share a 4 MiB buffer instead of each holding (and
 * making the collector sweep) 4 MiB of its own. A slab whose chunks the reader has all released
 * serves later reads: a fresh 4 MiB per read made the collector run for the external memory alone
 * and the kernel fault in new pages, a fifth of replay's CPU time on the real-traffic bench. Chunks
 * nobody releases (gunzip reads them) leave their slab to the collector as before. An EAGAIN (the
 * main thread may have made standard input non-blocking) means "not yet", not an error.
 */
class DescriptorStream extends Readable {
	bytesRead = 0;
	private slab: Buffer = Buffer.allocUnsafe(slabBytes);
	private slabUsed = 0;
	/** For each slab with chunks out, how many the reader has not released yet. */
	private readonly chunksOut = new Map<ArrayBufferLike, {slab: Buffer; chunks: number}>();
	private readonly spareSlabs: Buffer[] = [];
	private retryMillis = firstRetryMillis;

	constructor(private readonly fd: number, private readonly ownsDescriptor: boolean, private readonly name: string) {
		super({highWaterMark: slabBytes});
	}

	releaseChunk(chunk: Uint8Array): void {
		const out = this.chunksOut.get(chunk.buffer);
		if (out === undefined || --out.chunks > 0) return;
		this.chunksOut.delete(chunk.buffer);
		if (out.slab !== this.slab && this.spareSlabs.length < spareSlabLimit) this.spareSlabs.push(out.slab);
	}

	override _read(): void {
		if (this.slab.length - this.slabUsed < smallestReadBytes) {
			// Every chunk of the current slab released: it starts over.
			if (!this.chunksOut.has(this.slab.buffer)) this.slabUsed = 0;
			else {
				this.slab = this.spareSlabs.pop() ?? Buffer.allocUnsafe(slabBytes);
				this.slabUsed = 0;
			}
		}
		const {slab} = this;
		const start = this.slabUsed;
		const attempt = (): void => {
			read(this.fd, slab, start, slab.length - start, null, (error, length) => {
				if (this.destroyed) return;
				if (error?.code === 'EAGAIN') {
					setTimeout(attempt, this.retryMillis);
					this.retryMillis = Math.min(longestRetryMillis, this.retryMillis * 2);
				} else if (error) {
					this.destroy(readFailure(this.name, error));
				} else {
					this.retryMillis = firstRetryMillis;
					this.slabUsed = start + length;
					this.bytesRead += length;
					if (length === 0) {
						this.push(null);
						return;
					}
					const out = this.chunksOut.get(slab.buffer);
					if (out === undefined) this.chunksOut.set(slab.buffer, {slab, chunks: 1});
					else out.chunks++;
					this.push(slab.subarray(start, start + length));
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

/** A pipe or socket on standard input, read by the event loop; its read errors name the input. */
class StandardInputSocket extends Socket {
	constructor() {
		super({fd: standardInputFd, readable: true, writable: false});
	}

	override destroy(error?: Error): this {
		return super.destroy(error === undefined ? undefined : readFailure('standard input', error));
	}
}

function readFailure(name: string, error: Error): InputError {
	return error instanceof InputError ? error : new InputError(`${name}: read failed (${error.message})`);
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
async function openRaw(path: string): Promise<{raw: DescriptorStream | StandardInputSocket; fileSize?: number}> {
	if (path === '-') {
		if (isatty(standardInputFd)) throw new InputError('standard input: is a terminal; pipe a capture into it or pass a file');
		// Descriptor 0 itself: process.stdin is an empty stream inside a worker thread. A pipe is read as
		// the event loop's socket, not through the thread pool: a pool read per 64 KiB pipe chunk made
		// `cat FILE |` twice as slow as the file.
		const info = await statDescriptor(standardInputFd);
		const raw = info.isFIFO() || info.isSocket() ? new StandardInputSocket() : new DescriptorStream(standardInputFd, false, 'standard input');
		return {raw};
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
		source.pipe(gunzip).pipe(output);
		stream = output;
	}

	return {
		stream,
		fileSize,
		bytesRead: () => raw.bytesRead,
		releaseChunk: raw instanceof DescriptorStream && !gzipped ? (chunk) => raw.releaseChunk(chunk) : () => {},
		close: () => {
			raw.destroy();
			stream.destroy();
		},
	};
}
