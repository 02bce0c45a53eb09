// `--alerts FILE`: every alert (and update) appended as one JSON line, so a file survives restarts.
import {closeSync, openSync, writeSync} from 'node:fs';
import type {Alert} from '../model/messages.js';

export class AlertLog {
	private readonly descriptor: number;

	constructor(path: string) {
		this.descriptor = openSync(path, 'a');
	}

	write(alert: Alert): void {
		writeSync(this.descriptor, JSON.stringify(alert) + '\n');
	}

	close(): void {
		closeSync(this.descriptor);
	}
}
