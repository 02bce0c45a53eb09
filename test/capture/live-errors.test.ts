// The ways live capture fails to start, each a CaptureError (exit code 3) that names the interface
// and tells the user what to do: a missing interface, a bad filter, no permission, no helper.
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {realpathSync} from 'node:fs';
import {test} from 'node:test';
import {findProgram} from '../../source/capture/capture-helper.js';
import {CaptureError, captureHelperNames, startLiveCapture, type CaptureHelperName} from '../../source/capture/live-capture.js';
import {exitCodes} from '../../source/exit-codes.js';
import {childPids, helperMissing, isRoot, skipLive} from './live-support.js';

const missingInterface = 'mwnosuch0';

async function startError(helper: CaptureHelperName, iface: string, filter?: string): Promise<CaptureError> {
	const childrenBefore = childPids();
	const error = await startLiveCapture({interface: iface, filter, helper}).then(
		async capture => {
			await capture.stop();
			return undefined;
		},
		(caught: unknown) => caught,
	);
	assert.ok(error instanceof CaptureError, `expected a CaptureError, got ${String(error)}`);
	assert.equal(error.exitCode, exitCodes.capture);
	assert.equal(error.message.includes('\n'), false, 'the message is one line');
	assert.deepEqual([...childPids()].filter(pid => !childrenBefore.has(pid)), [], 'no helper is left running');
	return error;
}

for (const helper of captureHelperNames) {
	test(`${helper}: a nonexistent interface is a CaptureError naming it`, async t => {
		if (skipLive(t, helperMissing(helper))) return;
		const error = await startError(helper, missingInterface);
		assert.match(error.message, new RegExp(`${missingInterface} with ${helper}`));
		if (isRoot()) {
			assert.match(error.message, /no such interface/);
			assert.match(error.hint[0] ?? '', /^interfaces here: .*\blo\b/);
		}
	});

	test(`${helper}: a bad BPF filter is a CaptureError naming the filter`, async t => {
		if (skipLive(t, helperMissing(helper))) return;
		if (skipLive(t, isRoot() ? undefined : 'not root: the permission error comes before the filter is compiled')) return;
		const error = await startError(helper, 'lo', 'tcp port (((');
		assert.match(error.message, /^cannot capture on lo with \w+: bad capture filter "tcp port \(\(\("/);
		assert.match(error.hint.join('\n'), /pcap-filter/);
	});
}

const liveCaptureModule = new URL('../../source/capture/live-capture.js', import.meta.url).href;

/** Starts a capture on lo as the unprivileged user nobody and returns the CaptureError it met, as plain data. */
function startAsNobody(helper: CaptureHelperName): Promise<{name: string; exitCode: number; message: string; hint: string[]}> {
	const script = `
		const {startLiveCapture} = await import(${JSON.stringify(liveCaptureModule)});
		try {
			const capture = await startLiveCapture({interface: 'lo', helper: ${JSON.stringify(helper)}});
			await capture.stop();
			process.stdout.write(JSON.stringify({name: 'started'}));
		} catch (error) {
			process.stdout.write(JSON.stringify({name: error.name, exitCode: error.exitCode, message: error.message, hint: error.hint}));
		}
	`;
	return new Promise((resolve, reject) => {
		execFile('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--input-type=module', '-e', script], {cwd: '/', timeout: 20_000}, (error, stdout) => {
			if (error === null) resolve(JSON.parse(stdout) as {name: string; exitCode: number; message: string; hint: string[]});
			else reject(error);
		});
	});
}

for (const helper of captureHelperNames) {
	test(`${helper}: without capture rights the error says how to get them`, async t => {
		if (skipLive(t, helperMissing(helper))) return;
		if (skipLive(t, isRoot() ? undefined : 'not root: cannot switch to an unprivileged user')) return;
		if (skipLive(t, findProgram('setpriv') === undefined ? 'setpriv is not installed' : undefined)) return;
		const error = await startAsNobody(helper);
		assert.equal(error.name, 'CaptureError');
		assert.equal(error.exitCode, exitCodes.capture);
		assert.match(error.message, new RegExp(`^no permission to capture on lo with ${helper}: .*(permission|not permitted)`, 'i'));
		const hints = error.hint.join('\n');
		assert.match(hints, /sudo npx minewatch -i lo \(where sudo's PATH has no node: sudo env "PATH=\$PATH" npx minewatch -i lo\)/);
		assert.match(hints, /: npx minewatch -r capture\.pcap/);
		assert.doesNotMatch(hints, new RegExp(`setcap \\S+ ${realpathSync(process.execPath).replaceAll('/', '\\/')}`), 'never setcap the node binary');
		if (helper === 'pcap') {
			assert.match(hints, /--capture tcpdump/);
		} else {
			assert.ok(hints.includes(`sudo setcap cap_net_raw,cap_net_admin+eip ${realpathSync(findProgram(helper)!)}`), hints);
		}
	});
}

for (const helper of ['tcpdump', 'dumpcap'] as const) {
	test(`${helper}: a helper that is not installed is a CaptureError saying how to install it`, async t => {
		const path = process.env['PATH'];
		process.env['PATH'] = '/nonexistent';
		t.after(() => {
			process.env['PATH'] = path;
		});
		if (findProgram(helper) !== undefined) {
			t.skip(`${helper} lives in an sbin directory, which is always searched`);
			return;
		}
		const error = await startError(helper, 'lo');
		assert.match(error.message, new RegExp(`${helper} is not installed`));
		assert.match(error.hint.join('\n'), helper === 'tcpdump' ? /apt-get install tcpdump/ : /apt-get install wireshark-common/);
	});
}
