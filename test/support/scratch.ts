// Scratch folders for tests: each removed once the tests of the suite (or file) that made it have run,
// so a test run leaves nothing in the temp directory.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after} from 'node:test';

/** A fresh `minewatch-NAME-*` folder in the temp directory, removed after the enclosing suite or file. */
export function scratchDirectory(name: string): string {
	const directory = mkdtempSync(path.join(tmpdir(), `minewatch-${name}-`));
	after(() => rmSync(directory, {recursive: true, force: true}));
	return directory;
}
