// Real captures on the loopback interface with each helper: a bounded TCP conversation between a
// local server and client is captured, read back through the CaptureReader and compared byte for byte.
import assert from 'node:assert/strict';
import {execFile, execFileSync, spawn} from 'node:child_process';
import {once} from 'node:events';
import {chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import net from 'node:net';
import {constants as osConstants, getPriority, tmpdir} from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {captureBuffering, findProgram, helperArguments, pcapChildOptions} from '../../source/capture/capture-helper.js';
import {CaptureError, captureHelperNames, startLiveCapture, type CaptureHelperName, type LiveCapture} from '../../source/capture/live-capture.js';
import {childPids, childPidsOf, helperMissing, isRoot, processGone, SegmentCollector, skipLive, waitFor} from './live-support.js';

const messageCount = 20;
const captureWaitMillis = 5000;

interface Conversation {
	clientPort: number;
	sent: Buffer;
	received: Buffer;
}

async function listeningServer(): Promise<{server: net.Server; port: number}> {
	const server = net.createServer(socket => {
		let pending = '';
		socket.setEncoding('utf8');
		socket.on('data', (text: string) => {
			pending += text;
			for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				socket.write(`reply to ${line}\n`);
			}
		});
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	return {server, port: (server.address() as net.AddressInfo).port};
}

/** One message at a time, each answered before the next, so every message travels in its own segment. */
async function converse(port: number): Promise<Conversation> {
	const client = net.connect(port, '127.0.0.1');
	await once(client, 'connect');
	const sent: Buffer[] = [];
	const received: Buffer[] = [];
	let receivedText = '';
	client.on('data', (chunk: Buffer) => {
		received.push(chunk);
		receivedText += chunk.toString('utf8');
	});
	for (let index = 0; index < messageCount; index++) {
		const message = Buffer.from(`minewatch live test message ${index}\n`);
		sent.push(message);
		client.write(message);
		const expected = `reply to minewatch live test message ${index}\n`;
		assert.ok(await waitFor(() => receivedText.endsWith(expected), captureWaitMillis), `no reply to message ${index}`);
	}
	const clientPort = client.localPort!;
	client.end();
	await once(client, 'close');
	return {clientPort, sent: Buffer.concat(sent), received: Buffer.concat(received)};
}

/** A process's nice value: field 19 of /proc/PID/stat, counted after the parenthesised command name. */
function niceOf(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Starts the capture, or returns undefined after skipping when this machine cannot capture. */
async function startOrSkip(t: TestContext, helper: CaptureHelperName, filter: string): Promise<LiveCapture | undefined> {
	if (skipLive(t, helperMissing(helper))) return undefined;
	try {
		return await startLiveCapture({interface: 'lo', filter, helper});
	} catch (error) {
		if (!isRoot() && error instanceof CaptureError && error.message.startsWith('no permission')) {
			skipLive(t, `not root and ${error.message}`);
			return undefined;
		}
		throw error;
	}
}

for (const helper of captureHelperNames) {
	test(`${helper}: captures a TCP conversation on lo, byte for byte, and stops cleanly`, async t => {
		const {server, port} = await listeningServer();
		t.after(() => server.close());
		const childrenBefore = childPids();
		const capture = await startOrSkip(t, helper, `tcp port ${port}`);
		if (capture === undefined) return;
		const helperPids = [...childPids()].filter(pid => !childrenBefore.has(pid));
		assert.equal(helperPids.length, 1, 'one helper process runs while capturing');
		const request = {interface: 'lo', snaplen: 262_144, filter: `tcp port ${port}`};
		const commandLine = readFileSync(`/proc/${helperPids[0]}/cmdline`, 'utf8').split('\0').slice(0, -1);
		if (helper === 'pcap') {
			assert.deepEqual(JSON.parse(commandLine.at(-1)!), pcapChildOptions(request), 'the pcap child runs with the documented buffering');
		} else {
			assert.deepEqual(commandLine.slice(1), helperArguments(helper, request), `${helper} runs with the documented options`);
		}
		// Root may raise a process's priority; anyone else leaves the helper at minewatch's own.
		const expectedNice = isRoot() ? Math.max(osConstants.priority.PRIORITY_HIGHEST, getPriority() - captureBuffering.helperNiceSteps) : getPriority();
		assert.equal(niceOf(helperPids[0]!), expectedNice, `${helper} runs ${captureBuffering.helperNiceSteps} nice steps ahead of minewatch when minewatch may`);

		const collector = new SegmentCollector();
		capture.stdout.on('data', collector.take);
		const conversation = await converse(port);
		const complete = (): boolean =>
			collector.payloadFrom(conversation.clientPort).equals(conversation.sent)
			&& collector.payloadFrom(port).equals(conversation.received)
			&& collector.segments.some(segment => segment.fin && segment.sourcePort === conversation.clientPort)
			&& collector.segments.some(segment => segment.fin && segment.sourcePort === port);
		await waitFor(complete, captureWaitMillis);

		assert.equal(collector.format, 'pcap');
		assert.deepEqual([...collector.linkTypesSeen], [1], 'loopback is captured as Ethernet');
		const fromClient = collector.segments.filter(segment => segment.sourcePort === conversation.clientPort);
		const fromServer = collector.segments.filter(segment => segment.sourcePort === port);
		assert.ok(fromClient.some(segment => segment.syn && !segment.ack), 'the client SYN was captured');
		assert.ok(fromServer.some(segment => segment.syn && segment.ack), 'the server SYN-ACK was captured');
		assert.equal(collector.payloadFrom(conversation.clientPort).toString(), conversation.sent.toString());
		assert.equal(collector.payloadFrom(port).toString(), conversation.received.toString());
		assert.ok(fromClient.filter(segment => segment.payload.length > 0).length >= messageCount, 'each message travelled in its own segment');
		assert.ok(fromClient.some(segment => segment.fin), 'the client FIN was captured');
		assert.ok(fromServer.some(segment => segment.fin), 'the server FIN was captured');
		assert.ok(collector.segments.every(segment => segment.sourcePort === port || segment.destinationPort === port), 'the filter let only the test port through');

		await capture.stop();
		assert.equal(await capture.exited, 0, 'the helper exited cleanly');
		const stats = capture.stats();
		assert.ok(stats !== undefined && stats.received >= 1, `libpcap counters arrived: ${JSON.stringify(stats)}`);
		assert.equal(stats.dropped, 0);
		for (const pid of helperPids) assert.ok(!childPids().has(pid), `helper ${pid} is gone after stop()`);
		await capture.stop();
	});
}

const liveCaptureModule = new URL('../../source/capture/live-capture.js', import.meta.url).href;

for (const helper of captureHelperNames) {
	test(`${helper}: the helper ends when the process that started it dies without stopping it`, async t => {
		if (skipLive(t, helperMissing(helper))) return;
		if (skipLive(t, isRoot() ? undefined : 'not root')) return;
		const script = `
			const {startLiveCapture} = await import(${JSON.stringify(liveCaptureModule)});
			await startLiveCapture({interface: 'lo', filter: 'tcp port 9', helper: ${JSON.stringify(helper)}});
			process.stdout.write('capturing\\n');
			setInterval(() => {}, 1000);
		`;
		const owner = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']});
		t.after(() => owner.kill('SIGKILL'));
		let output = '';
		owner.stdout.setEncoding('utf8');
		owner.stdout.on('data', (text: string) => {
			output += text;
		});
		assert.ok(await waitFor(() => output.includes('capturing'), captureWaitMillis), 'the owner started capturing');
		const helperPids = childPidsOf(owner.pid!);
		assert.equal(helperPids.size, 1, 'the owner runs one helper');
		owner.kill('SIGKILL');
		await once(owner, 'exit');
		for (const pid of helperPids) assert.ok(await waitFor(() => processGone(pid), captureWaitMillis), `helper ${pid} ended with its owner`);
	});
}

for (const helper of ['tcpdump', 'dumpcap'] as const) {
	test(`${helper}: following the setcap hint lets an unprivileged user capture`, async t => {
		if (skipLive(t, helperMissing(helper))) return;
		if (skipLive(t, isRoot() ? undefined : 'not root: cannot grant capabilities')) return;
		const setcap = findProgram('setcap');
		const setpriv = findProgram('setpriv');
		if (skipLive(t, setcap === undefined || setpriv === undefined ? 'setcap or setpriv is not installed' : undefined)) return;
		// a private copy takes the capabilities, so the installed helper stays as it was
		const directory = mkdtempSync(path.join(tmpdir(), 'minewatch-setcap-'));
		t.after(() => rmSync(directory, {recursive: true, force: true}));
		chmodSync(directory, 0o755);
		const copy = path.join(directory, helper);
		copyFileSync(findProgram(helper)!, copy);
		chmodSync(copy, 0o755);
		try {
			execFileSync(setcap!, ['cap_net_raw,cap_net_admin+eip', copy], {stdio: 'ignore'});
		} catch {
			if (skipLive(t, `this file system does not keep file capabilities (${directory})`)) return;
		}

		const {server, port} = await listeningServer();
		t.after(() => server.close());
		const script = `
			const {startLiveCapture} = await import(${JSON.stringify(liveCaptureModule)});
			const {connect} = await import('node:net');
			const capture = await startLiveCapture({interface: 'lo', filter: 'tcp port ${port}', helper: ${JSON.stringify(helper)}});
			let bytes = 0;
			capture.stdout.on('data', chunk => { bytes += chunk.length; });
			const client = connect(${port}, '127.0.0.1', () => client.end());
			await new Promise(resolve => client.on('close', resolve));
			const deadline = Date.now() + 5000;
			// the global header is 24 bytes; a TCP handshake adds at least three records
			while (bytes < 24 + 3 * (16 + 54) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
			await capture.stop();
			process.stdout.write(JSON.stringify({bytes, exitCode: await capture.exited}));
		`;
		const result = await new Promise<string>((resolve, reject) => {
			execFile(setpriv!, ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--input-type=module', '-e', script], {
				cwd: '/',
				timeout: 20_000,
				env: {...process.env, PATH: `${directory}${path.delimiter}${process.env['PATH'] ?? ''}`},
			}, (error, stdout, stderr) => {
				if (error === null) resolve(stdout);
				else reject(new Error(`${error.message}\n${stderr}`));
			});
		});
		const {bytes, exitCode} = JSON.parse(result) as {bytes: number; exitCode: number | null};
		assert.ok(bytes >= 24 + 3 * (16 + 54), `the unprivileged capture saw the handshake (${bytes} bytes)`);
		assert.equal(exitCode, 0);
	});
}
