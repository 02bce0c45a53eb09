// `--alerts FILE`: every alert (and update) appended as one JSON line, so a file survives restarts.
import {closeSync, fstatSync, ftruncateSync, openSync, writeSync} from 'node:fs';
import type {Alert} from '../model/messages.js';

export class AlertLog {
	private readonly descriptor: number;

	constructor(path: string) {
		this.descriptor = openSync(path, 'a');
	}

	/** Appends one whole line, or throws the write error and leaves the file as it was. */
	write(alert: Alert): void {
		const line = Buffer.from(JSON.stringify(alert) + '\n');
		const lineStart = fstatSync(this.descriptor).size;
		let written = 0;
		try {
			while (written < line.length) {
				written += writeSync(this.descriptor, line, written);
			}
		} catch (error) {
			// Half a line (a disk that filled mid-line) would also spoil the line a later run appends.
			if (written > 0) {
				ftruncateSync(this.descriptor, lineStart);
			}

			throw error;
		}
	}

	close(): void {
		closeSync(this.descriptor);
	}
}
