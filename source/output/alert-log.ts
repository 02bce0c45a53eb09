// `--alerts FILE`: every alert (and update) appended as one JSON line, so a file survives restarts.
import {closeSync, fchownSync, fstatSync, ftruncateSync, openSync, writeSync} from 'node:fs';
import type {Alert} from '../model/messages.js';

/** Who owns a file the log creates. */
export interface FileOwner {
	uid: number;
	gid: number;
}

export class AlertLog {
	private readonly descriptor: number;

	/**
	 * Opened before the capture (so a bad path fails at once), by root when minewatch switches user
	 * later: a file it creates then is given to `owner`, as tcpdump -Z leaves its output files to
	 * that user; a file that existed keeps its owner.
	 */
	constructor(path: string, owner?: FileOwner) {
		try {
			this.descriptor = openSync(path, 'ax');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			this.descriptor = openSync(path, 'a');
			return;
		}

		if (owner !== undefined) {
			try {
				fchownSync(this.descriptor, owner.uid, owner.gid);
			} catch (error) {
				closeSync(this.descriptor);
				throw error;
			}
		}
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
