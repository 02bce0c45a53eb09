// A terminal for Ink to draw on in the benchmarks: a TTY of a fixed size that takes every write
// and counts it, and a keyboard that never types.
import {EventEmitter} from 'node:events';

export class FakeTerminalOutput extends EventEmitter {
	readonly isTTY = true;
	bytes = 0;

	constructor(readonly columns: number, readonly rows: number) {
		super();
	}

	write(chunk: string, ...rest: unknown[]): boolean {
		this.bytes += chunk.length;
		const callback = rest.find(item => typeof item === 'function') as (() => void) | undefined;
		callback?.();
		return true;
	}
}

export class FakeTerminalInput extends EventEmitter {
	readonly isTTY = true;
	isRaw = false;
	setRawMode(mode: boolean): void {
		this.isRaw = mode;
	}

	setEncoding(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
	read(): null {
		return null;
	}
}
