// README documents every flag, every key and every output field: checked against the flag table,
// the key table and what the CLI actually writes, so documentation cannot drift from the code.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {cliFlags} from '../source/cli-flags.js';
import {keyBindings} from '../source/ui/key-map.js';
import {fixturesDirectory, repositoryRoot} from './support/repository.js';
import {runCli} from './support/run-cli.js';

const readme = readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8');

function kebab(name: string): string {
	return name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

test('every flag is in the README flag table', () => {
	for (const [name, definition] of Object.entries(cliFlags)) {
		assert.ok(readme.includes(`\`--${kebab(name)}`) || readme.includes(`--${kebab(name)} `), `--${kebab(name)}`);
		if ('shortFlag' in definition) {
			assert.ok(readme.includes(`\`-${definition.shortFlag}, --${kebab(name)}`), `-${definition.shortFlag}`);
		}
	}
});

test('every key in the key table is in the README', () => {
	for (const binding of keyBindings) {
		for (const key of binding.keys.split(', ')) {
			assert.ok(readme.includes(`\`${key}\``), `${key} (${binding.description})`);
		}
	}
});

/** Maps keyed by family (`protocols`, and `bytes`/`packets` in `history`) or severity. */
const perFamilyOrSeverity = new Set(['protocols', 'alertsOpen', 'bytes', 'packets']);

function fieldNames(value: unknown, names: Set<string>, parent = ''): void {
	if (Array.isArray(value)) {
		for (const item of value) {
			fieldNames(item, names, parent);
		}
	} else if (value !== null && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			// Per-family and per-severity maps are documented as their lists of keys.
			if (!perFamilyOrSeverity.has(parent)) {
				names.add(key);
			}

			fieldNames(item, names, key);
		}
	}
}

test('every field minewatch writes in NDJSON is in the README', async () => {
	const names = new Set<string>();
	for (const file of ['demo.pcapng', 'stratum-dialects.pcap', 'bitcoin-magics.pcapng']) {
		const run = await runCli(['-r', path.join(fixturesDirectory, file), '--json']);
		for (const message of run.messages) {
			fieldNames(message, names);
		}
	}

	assert.ok(names.has('evidence') && names.has('hostsMatched'));
	const documented = new Set([...readme.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`]+)`/g)].flatMap(([, code]) => code!.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []));
	for (const name of names) {
		assert.ok(documented.has(name), `field ${name}`);
	}
});
