// Where things are, seen from a compiled test: the repository, its fixtures, the built CLI and the
// real captures beside the project (absent in a user's clone: tests that need them skip).
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

function findRepositoryRoot(): string {
	let directory = path.dirname(fileURLToPath(import.meta.url));
	while (!existsSync(path.join(directory, 'package.json'))) {
		const parent = path.dirname(directory);
		if (parent === directory) {
			throw new Error('no package.json above the test file');
		}

		directory = parent;
	}

	return directory;
}

export const repositoryRoot = findRepositoryRoot();
export const fixturesDirectory = path.join(repositoryRoot, 'fixtures');
export const cliPath = path.join(repositoryRoot, 'dist', 'source', 'cli.js');
export const sharedCaptures = path.join(repositoryRoot, '..', 'shared', 'captures');
export const sharedCapturesPresent = existsSync(sharedCaptures);
/** For `test(name, {skip: needsSharedCaptures}, ...)`. */
export const needsSharedCaptures = sharedCapturesPresent ? false : 'needs ../shared/captures beside the project';

/** Every capture file in ../shared/captures/{positive,benign}, or none when the folder is absent. */
export function sharedCaptureFiles(kind: 'positive' | 'benign'): string[] {
	const directory = path.join(sharedCaptures, kind);
	if (!existsSync(directory)) {
		return [];
	}

	return readdirSync(directory).filter(name => /\.pcap(ng)?$/.test(name)).sort().map(name => path.join(directory, name));
}
