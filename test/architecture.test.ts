// The folder layout README's "How the code is laid out" describes, held to the import statements of
// every file under source/: a lower stage never imports a higher one, the Ink UI and the wall never
// import each other, and the view layer stays free of any renderer.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {repositoryRoot} from './support/repository.js';

type Folder = 'model' | 'decode' | 'flows' | 'detect' | 'capture' | 'session' | 'input' | 'output' | 'view' | 'ui' | 'wall';

/** The files directly under source/ that a folder may use: neutral facts with no imports of their own. */
const neutralModules = ['exit-codes', 'privilege'];

/** For each folder, the other folders (and top-level modules) it may import; its own files always. */
const allowedImports: Record<Folder, readonly string[]> = {
	model: [],
	decode: ['model'],
	flows: ['model', 'decode'],
	detect: ['model', 'decode', 'flows'],
	capture: ['model', 'decode', ...neutralModules],
	session: ['model', 'decode', 'flows', 'detect', 'capture', 'options', ...neutralModules],
	input: ['model', 'decode', 'options', ...neutralModules],
	output: ['model', ...neutralModules],
	view: ['model', ...neutralModules],
	ui: ['model', 'view'],
	wall: ['model', 'view'],
};

/** Packages a folder may import besides Node's own; the view layer and everything below it, none. */
const allowedPackages: Partial<Record<Folder, readonly string[]>> = {
	ui: ['ink', 'react'],
	wall: ['blessed', 'blessed-contrib'],
};

const sourceRoot = path.join(repositoryRoot, 'source');

function sourceFiles(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(directory, entry.name);
		if (entry.isDirectory()) {
			return sourceFiles(full);
		}

		return /\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

/** Every module specifier: static imports and re-exports (over several lines too), side-effect and dynamic imports. */
function importedSpecifiers(text: string): string[] {
	const patterns = [/\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
	return patterns.flatMap(pattern => [...text.matchAll(pattern)].map(match => match[1]!));
}

/** The folder (or top-level module name) a relative specifier lands in, seen from `file`. */
function targetOf(file: string, specifier: string): string {
	const target = path.relative(sourceRoot, path.resolve(path.dirname(file), specifier));
	const [first, ...rest] = target.split(path.sep);
	return rest.length === 0 ? first!.replace(/\.js$/, '') : first!;
}

test('the import reader sees every form of import the sources use', () => {
	const text = `import {a} from './a.js';\nimport type {B} from '../model/b.js';\nimport {\n\tc,\n\td,\n} from 'ink';\nexport {e} from './e.js';\nimport 'node:process';\nconst f = await import('../wall/run-wall.js');`;
	assert.deepEqual(importedSpecifiers(text).sort(), ['../model/b.js', '../wall/run-wall.js', './a.js', './e.js', 'ink', 'node:process'].sort());
});

test('every import under source/ follows the folder layout', () => {
	const violations: string[] = [];
	let checked = 0;
	for (const file of sourceFiles(sourceRoot)) {
		const relative = path.relative(sourceRoot, file);
		const parts = relative.split(path.sep);
		if (parts.length === 1) {
			// cli.ts, options.ts and the neutral modules wire the folders together: they may use any.
			continue;
		}

		const folder = parts[0] as Folder;
		assert.ok(folder in allowedImports, `${relative}: source/${folder} is not in the layout; add it to README and to this test`);
		for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
			checked++;
			if (specifier.startsWith('.')) {
				const target = targetOf(file, specifier);
				if (target !== folder && !allowedImports[folder].includes(target)) {
					violations.push(`source/${relative} imports ${specifier} (source/${folder} may not use ${target})`);
				}
			} else if (!specifier.startsWith('node:')) {
				const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
				if (!(allowedPackages[folder] ?? []).includes(name)) {
					violations.push(`source/${relative} imports the package ${specifier} (source/${folder} may not)`);
				}
			}
		}
	}

	assert.ok(checked > 300, `only ${checked} imports found: the reader is missing some`);
	assert.deepEqual(violations, []);
});
