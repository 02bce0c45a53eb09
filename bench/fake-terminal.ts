// A terminal for Ink to draw on in the benchmarks: a TTY of a fixed size that takes every write
// and counts it, and a keyboard that never types.
import {EventEmitter} from 'node:events';

class FakeTerminalOutput extends EventEmitter {
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

class FakeTerminalInput extends EventEmitter {
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

/** The streams Ink is given for a fake terminal of `columns` x `rows`: output and errors drawn on it, a keyboard that never types. */
export function fakeTerminal(columns: number, rows: number): {stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream} {
	const output = new FakeTerminalOutput(columns, rows) as unknown as NodeJS.WriteStream;
	return {stdin: new FakeTerminalInput() as unknown as NodeJS.ReadStream, stdout: output, stderr: output};
}
