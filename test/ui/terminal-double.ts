// Stand-ins for a terminal's streams: a TTY-like keyboard that records raw mode, and a screen
// that records everything written to it.
import {EventEmitter} from 'node:events';

export class FakeKeyboard extends EventEmitter {
	readonly isTTY = true;
	isRaw = false;
	paused = false;
	private pending: string[] = [];

	setRawMode(mode: boolean): this {
		this.isRaw = mode;
		return this;
	}

	setEncoding(): this {
		return this;
	}

	resume(): this {
		this.paused = false;
		return this;
	}

	pause(): this {
		this.paused = true;
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}

	read(): string | null {
		return this.pending.shift() ?? null;
	}

	type(data: string): void {
		this.pending.push(data);
		this.emit('readable');
	}

	asStream(): NodeJS.ReadStream {
		return this as unknown as NodeJS.ReadStream;
	}
}

export class FakeScreen extends EventEmitter {
	readonly isTTY = true;
	columns: number;
	rows: number;
	output = '';

	constructor(columns: number, rows: number) {
		super();
		this.columns = columns;
		this.rows = rows;
	}

	write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
		this.output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
		const callback = rest.find(argument => typeof argument === 'function') as (() => void) | undefined;
		callback?.();
		return true;
	}

	asStream(): NodeJS.WriteStream {
		return this as unknown as NodeJS.WriteStream;
	}
}
