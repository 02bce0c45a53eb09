// Bytes as they arrive (in chunks cut anywhere, mid-line and mid-character) into whole lines,
// bounded: a line longer than any record is dropped up to its newline and reported once, so a
// stream without newlines cannot make the reader hold more than `maximumLineBytes`.

export type SplitLine = {kind: 'line'; text: string} | {kind: 'too-long'};

/** A summary listing 10,000 hosts (the largest `--top`) is about 4 MB. */
export const defaultMaximumLineBytes = 16 * 1024 * 1024;

const newline = 0x0a;
const carriageReturn = 0x0d;

export class LineSplitter {
	private readonly decoder = new TextDecoder('utf-8', {fatal: false});
	private held: Buffer[] = [];
	private heldBytes = 0;
	/** Inside a line already reported too long: everything up to its newline goes. */
	private skipping = false;

	constructor(private readonly maximumLineBytes = defaultMaximumLineBytes) {}

	/** The lines this chunk completes, in order. */
	push(chunk: Buffer): SplitLine[] {
		const lines: SplitLine[] = [];
		let start = 0;
		for (let at = chunk.indexOf(newline); at >= 0; at = chunk.indexOf(newline, start)) {
			this.take(chunk.subarray(start, at), lines);
			const line = this.release();
			if (line !== undefined) {
				lines.push(line);
			}

			start = at + 1;
		}

		this.take(chunk.subarray(start), lines);
		return lines;
	}

	/** At the end of the stream: the last line when it had no newline (a cut-off record, or one written without). */
	finish(): SplitLine | undefined {
		return this.heldBytes === 0 && !this.skipping ? undefined : this.release();
	}

	private take(piece: Buffer, lines: SplitLine[]): void {
		if (this.skipping || piece.length === 0) {
			return;
		}

		if (this.heldBytes + piece.length > this.maximumLineBytes) {
			this.held = [];
			this.heldBytes = 0;
			this.skipping = true;
			lines.push({kind: 'too-long'});
			return;
		}

		// Copied: the caller may reuse the chunk's memory once push returns.
		this.held.push(Buffer.from(piece));
		this.heldBytes += piece.length;
	}

	/** The held line, ending it; undefined for the end of a line reported too long. */
	private release(): SplitLine | undefined {
		if (this.skipping) {
			this.skipping = false;
			return undefined;
		}

		let bytes = Buffer.concat(this.held, this.heldBytes);
		this.held = [];
		this.heldBytes = 0;
		if (bytes.at(-1) === carriageReturn) {
			bytes = bytes.subarray(0, -1);
		}

		return {kind: 'line', text: this.decoder.decode(bytes)};
	}
}
