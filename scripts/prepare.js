// `npm ci` (or `npm install`) in this folder, never in an install of the package, which ships dist/
// built: applies patches/ to Ink's tokenizer and builds dist/, both with development dependencies.
// `npm ci --omit=dev` in a copy that holds dist/ already (as a deployment copies a build) has
// neither tool and needs neither: Ink's tokenizer then runs as published, with the same output.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);

function installed(name) {
	try {
		require.resolve(`${name}/package.json`);
		return true;
	} catch {
		return false;
	}
}

function run(command, ...arguments_) {
	const {status} = spawnSync(command, arguments_, {stdio: 'inherit'});
	if (status !== 0) {
		process.exit(status ?? 1);
	}
}

if (installed('patch-package') && installed('typescript')) {
	run('patch-package');
	run('tsc', '-p', '.');
} else if (existsSync('dist/source/cli.js')) {
	console.error('minewatch: development dependencies omitted: using the dist/ built before, Ink\'s tokenizer unpatched');
} else {
	console.error('minewatch: dist/ is not built, and building it needs the development dependencies: run `npm ci`, then `npm prune --omit=dev` to drop them');
	process.exit(1);
}
