// What each capture helper is asked to do, checked against what the code and README document:
// a large kernel ring, a buffer timeout rather than immediate mode, a pcap stream on stdout.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {captureBuffering, helperArguments, pcapChildOptions} from '../../source/capture/capture-helper.js';
import {repositoryRoot} from '../support/repository.js';

const request = {interface: 'eth0', snaplen: 65_535, filter: 'tcp port 3333'};
const ringMiB = captureBuffering.kernelBufferBytes / 1024 / 1024;

test('tcpdump: packet-buffered pcap on stdout, a 64 MiB ring (-B in KiB), no immediate mode, the filter after --', () => {
	assert.equal(ringMiB, 64);
	assert.deepEqual(helperArguments('tcpdump', request), ['-U', '-n', '-B', '65536', '-w', '-', '-i', 'eth0', '-s', '65535', '--', 'tcp port 3333']);
	assert.ok(!helperArguments('tcpdump', {...request, filter: undefined}).some(argument => argument === '--immediate-mode' || argument === '--'));
});

test('tcpdump switches to the unprivileged user itself once the interface is open (-Z NAME); dumpcap cannot', () => {
	const user = {uid: 1000, gid: 1000, name: 'alice'};
	assert.deepEqual(helperArguments('tcpdump', {...request, user}), ['-U', '-n', '-B', '65536', '-w', '-', '-i', 'eth0', '-s', '65535', '-Z', 'alice', '--', 'tcp port 3333']);
	assert.ok(!helperArguments('tcpdump', {...request, user: {uid: 1000, gid: 1000}}).includes('-Z'), 'no name, no -Z');
	assert.deepEqual(helperArguments('dumpcap', {...request, user}), helperArguments('dumpcap', request));
});

test('dumpcap: pcap (not pcapng) on stdout, a 64 MiB ring (-B in MiB), the filter with -f', () => {
	assert.deepEqual(helperArguments('dumpcap', request), ['-P', '-q', '-B', '64', '-w', '-', '-i', 'eth0', '-s', '65535', '-f', 'tcp port 3333']);
	assert.ok(!helperArguments('dumpcap', {...request, filter: undefined}).includes('-f'));
});

test('the pcap module: a 64 MiB ring and a 50 ms buffer timeout (0 would turn on immediate mode)', () => {
	assert.deepEqual(pcapChildOptions(request), {...request, bufferBytes: 64 * 1024 * 1024, bufferTimeoutMillis: 50});
});

test('the README states the same ring size and timeouts', () => {
	const readme = readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8');
	for (const fact of [
		`\`tcpdump -U -n -B 65536 -w -\``,
		`\`dumpcap -P -q -B 64 -w -\``,
		`${ringMiB} MiB kernel ring`,
		`buffer timeout of ${captureBuffering.bufferTimeoutMillis.pcap} ms`,
		`tcpdump's is fixed at ${captureBuffering.bufferTimeoutMillis.tcpdump / 1000} s`,
		`dumpcap's at ${captureBuffering.bufferTimeoutMillis.dumpcap} ms`,
	]) {
		assert.ok(readme.includes(fact), `README says ${fact}`);
	}
});
