import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {test} from 'node:test';
import {promisify} from 'node:util';

const run = promisify(execFile);

test('a scratch folder is gone once the tests of the file that made it have run', async () => {
	// A test file of its own, in a child process: the folder must be gone when that process ends.
	const script = `
		import {writeFileSync} from 'node:fs';
		import {test} from 'node:test';
		import {scratchDirectory} from ${JSON.stringify(new URL('scratch.js', import.meta.url).href)};
		const directory = scratchDirectory('probe');
		test('writes into it', () => writeFileSync(directory + '/file', 'x'));
		process.on('exit', () => process.stdout.write('\\nscratch ' + directory + '\\n'));
	`;
	const {stdout} = await run(process.execPath, ['--input-type=module', '-e', script]);
	const directory = /^scratch (.+)$/m.exec(stdout)?.[1];
	assert.ok(directory !== undefined, stdout);
	assert.ok(directory.startsWith(tmpdir()) && directory.includes('minewatch-probe-'), directory);
	assert.equal(existsSync(directory), false);
});
