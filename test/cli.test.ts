// The CLI end to end, as a user or a script runs it: flags, exit codes, bad input, standard input,
// stopping, the alert log, and live capture on the loopback interface with each capture helper.
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {once} from 'node:events';
import {readFileSync, writeFileSync} from 'node:fs';
import {createServer, connect, type Socket} from 'node:net';
import path from 'node:path';
import {describe, test} from 'node:test';
import {gzipSync} from 'node:zlib';
import type {Alert, Summary} from '../source/model/messages.js';
import {captureHelperNames} from '../source/capture/live-capture.js';
import {helperMissing, isRoot, skipLive} from './capture/live-support.js';
import {readWhole} from './capture/reader-helpers.js';
import {cliPath, fixturesDirectory} from './support/repository.js';
import {parseNdjson, runCli} from './support/run-cli.js';
import {scratchDirectory} from './support/scratch.js';
import {freePort} from './support/free-port.js';

const dialects = path.join(fixturesDirectory, 'stratum-dialects.pcap');
const demo = path.join(fixturesDirectory, 'demo.pcapng');
const scratch = scratchDirectory('cli');

function oneLineError(stderr: string): void {
	assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
	assert.match(stderr, /^minewatch: /);
}

describe('flags', () => {
	for (const [arguments_, pattern] of [
		[['--bogus'], /unknown flag --bogus\n/],
		[['-x'], /unknown flag -x\n/],
		[['-r', dialects, '-Z'], /unknown flag -Z\n/],
		[['--no-frob'], /unknown flag --no-frob\n/],
		[['--Frob-Nicate=2'], /unknown flag --Frob-Nicate\n/],
		[['-r', dialects, '--snaplen', '128'], /--snaplen sets up live capture \(-i\), and a file \(-r\) is read as it was captured/],
		[['-r', dialects, '--capture', 'tcpdump'], /--capture sets up live capture/],
		[['-i', 'lo', '--speed', '2'], /--speed paces a replay: use it with -r FILE/],
		[['-r', dialects, '--speed', 'fast'], /--speed takes a number/],
		[['-r', dialects, '-i', 'lo'], /either -r FILE .* or -i IFACE/],
		[['--capture', 'wireshark'], /--capture takes one of pcap, tcpdump, dumpcap/],
		[['-r', dialects, '--count', '-3'], /--count takes a whole number/],
		[['-r', dialects, '-f', 'tcp'], /capture filter for live capture/],
		[['-r', dialects, '--home-net', '10.0.0.0/33'], /10\.0\.0\.0\/33/],
		[['stray-argument'], /unexpected argument 'stray-argument'/],
	] as const) {
		test(`${arguments_.join(' ')} → exit 64 with one line`, async () => {
			const run = await runCli([...arguments_]);
			assert.equal(run.exitCode, 64, run.stderr);
			assert.match(run.stderr, pattern);
			oneLineError(run.stderr);
			assert.equal(run.stdout, '');
		});
	}

	test('--help lists every flag and exits 0', async () => {
		const run = await runCli(['--help']);
		assert.equal(run.exitCode, 0);
		for (const flag of ['--read', '--interface', '--filter', '--capture', '--speed', '--loop', '--json', '--alerts', '--home-net', '--allow', '--pools']) {
			assert.ok(run.stdout.includes(flag), flag);
		}
	});
});

describe('bad input files', () => {
	test('a missing file → exit 2, one line naming it', async () => {
		const run = await runCli(['-r', path.join(scratch, 'nothing-here.pcap'), '--json']);
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /nothing-here\.pcap/);
		oneLineError(run.stderr);
	});

	test('a file that is neither pcap nor pcapng → exit 2, one line naming it', async () => {
		const garbage = path.join(scratch, 'notes.txt');
		writeFileSync(garbage, 'these are not the packets you are looking for\n'.repeat(20));
		const run = await runCli(['-r', garbage, '--json']);
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /notes\.txt/);
		assert.equal(run.stderr.trim().split('\n').length, 1);
		oneLineError(run.stderr);
	});

	test('a truncated file: everything before the cut is read and reported, exit 0', async () => {
		const whole = readFileSync(dialects);
		const cut = path.join(scratch, 'cut.pcap');
		writeFileSync(cut, whole.subarray(0, whole.length - 7));
		const complete = await runCli(['-r', dialects, '--json']);
		const run = await runCli(['-r', cut, '--json']);
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.end?.truncated, 1);
		assert.match(run.end?.warning ?? '', /cut\.pcap/);
		assert.equal(run.end?.packets, complete.end!.packets - 1);
		assert.deepEqual(run.alerts.map(alert => alert.id).sort(), complete.alerts.map(alert => alert.id).sort(), 'alerts found before the cut are kept');
	});

	test('a corrupt block: reading stops there, what came before is kept, exit 0', async () => {
		const whole = Buffer.from(readFileSync(dialects));
		const corrupt = path.join(scratch, 'corrupt.pcap');
		// The record header of a packet two thirds in claims a 2 GiB packet.
		const complete = await runCli(['-r', dialects, '--json']);
		let offset = 24;
		let records = 0;
		while (records < Math.floor((complete.end!.packets * 2) / 3)) {
			offset += 16 + whole.readUInt32LE(offset + 8);
			records++;
		}

		whole.writeUInt32LE(0x7fff_ffff, offset + 8);
		writeFileSync(corrupt, whole);
		const run = await runCli(['-r', corrupt, '--json']);
		assert.equal(run.exitCode, 0, run.stderr);
		assert.equal(run.end?.corrupt, 1);
		assert.equal(run.end?.packets, records);
		assert.match(run.end?.warning ?? '', /corrupt\.pcap/);
	});
});

describe('sources and output', () => {
	test('standard input and gzip give the same result as the file', async () => {
		const fromFile = await runCli(['-r', demo, '--json']);
		const fromStdin = await runCli(['-r', '-', '--json'], {input: gzipSync(readFileSync(demo))});
		assert.equal(fromStdin.exitCode, 0, fromStdin.stderr);
		assert.equal(fromStdin.end?.source.kind, 'stdin');
		assert.equal(fromStdin.end?.packets, fromFile.end?.packets);
		assert.deepEqual(fromStdin.alerts.map(alert => alert.id).sort(), fromFile.alerts.map(alert => alert.id).sort());
	});

	// A shell's pipe is a FIFO, which minewatch reads ahead on a thread of its own; Node's spawn gives a socket instead.
	test('a shell pipe gives the same result as the file, and --count stops it early', async () => {
		const fromFile = await runCli(['-r', demo, '--json']);
		const shellPipe = (flags: string) => new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => {
			execFile('sh', ['-c', `cat "$0" | "$1" "$2" -r - --json ${flags}`, demo, process.execPath, cliPath], {maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
				resolve({code: error === null ? 0 : (error as {code?: number}).code ?? null, stdout, stderr});
			});
		});
		const whole = await shellPipe('');
		assert.equal(whole.code, 0, whole.stderr);
		const {end, alerts} = parseNdjson(whole.stdout);
		assert.equal(end?.source.kind, 'stdin');
		assert.equal(end?.packets, fromFile.end?.packets);
		assert.deepEqual(new Set(alerts.map(alert => alert.id)), new Set(fromFile.alerts.map(alert => alert.id)));
		const early = await shellPipe('--count 50');
		assert.equal(early.code, 0, early.stderr);
		assert.equal(parseNdjson(early.stdout).end?.reason, 'count');
		assert.equal(parseNdjson(early.stdout).end?.packets, 50);
	});

	test('NDJSON: summaries, then the end record last, with the documented fields', async () => {
		const run = await runCli(['-r', demo, '--json', '--top', '5']);
		assert.equal(run.exitCode, 0);
		assert.equal(run.messages.at(-1)?.type, 'end');
		const summary = run.messages.findLast((message): message is Summary => message.type === 'summary')!;
		assert.ok(summary.hosts.length > 0 && summary.hosts.length <= 5);
		assert.ok(summary.totals.packets > 0 && summary.progress?.finished === true);
		assert.ok(summary.protocols.stratum.packets > 0 && summary.protocols['bitcoin-p2p'].packets > 0);
		for (const field of ['packets', 'bytes', 'flows', 'decodeErrors', 'truncated', 'unsupportedLinkType', 'durationMs', 'source'] as const) {
			assert.ok(run.end !== undefined && field in run.end, field);
		}
	});

	test('NDJSON: the first summary has the first packet\'s capture time and no rate yet; later rates are per second of capture time, rounded', async () => {
		const {packets} = readWhole(readFileSync(demo));
		const firstMicros = packets[0]!.timestampMicros;
		const newestMicros = Math.max(...packets.map(packet => packet.timestampMicros));
		const wireBytes = packets.reduce((sum, packet) => sum + packet.originalLength, 0);
		// A minute between summaries: the whole file is read long before a second one is due.
		const run = await runCli(['-r', demo, '--json', '--interval', '60']);
		const summaries = run.messages.filter((message): message is Summary => message.type === 'summary');
		const [first, last] = [summaries[0]!, summaries.at(-1)!];
		assert.equal(first.totals.packets, 1);
		assert.equal(first.time, new Date(firstMicros / 1000).toISOString());
		assert.equal(first.rates, undefined, 'one packet spans no capture time: no rate can be measured');
		assert.equal(summaries.length, 2, 'the first summary and the final one');
		const seconds = (newestMicros - firstMicros) / 1e6;
		assert.deepEqual(last.rates, {
			packetsPerSecond: Math.round(((packets.length - 1) / seconds) * 10) / 10,
			bitsPerSecond: Math.round((8 * (wireBytes - packets[0]!.originalLength)) / seconds),
		});
	});

	test('--speed accepts max and 10x', async () => {
		for (const speed of ['max', '10x', '0.5']) {
			const run = await runCli(['-r', dialects, '--json', '--speed', speed, '--count', '3']);
			assert.equal(run.exitCode, 0, `${speed}: ${run.stderr}`);
		}
	});

	test('--loop replays the file again with capture time moving on; alerts are not raised twice, their counts grow', async () => {
		// The demo ends with connections still open, whose next pass must still count as new ones.
		const once = await runCli(['-r', demo, '--json']);
		const looped = await runCli(['-r', demo, '--json', '--loop', '--count', String(once.end!.packets * 2 + 10)]);
		assert.equal(looped.exitCode, 0, looped.stderr);
		assert.equal(looped.end?.reason, 'count');
		assert.deepEqual(looped.alerts.map(alert => alert.id).sort(), once.alerts.map(alert => alert.id).sort());
		const raised = looped.messages.filter((message): message is Alert => message.type === 'alert' && message.update === undefined);
		assert.equal(raised.length, once.alerts.length, 'a repeat sighting is an update record, not a new alert');
		const countOnce = new Map(once.alerts.map(alert => [alert.id, alert.count]));
		const short = looped.alerts.filter(alert => alert.count < 2 * countOnce.get(alert.id)!).map(alert => `${alert.id} ${alert.detection} ${alert.host}: ×${alert.count}`);
		assert.deepEqual(short, [], 'each pass\'s connections count again');
		const lastTime = (run: typeof once) => Date.parse(run.messages.findLast((message): message is Summary => message.type === 'summary')!.time!);
		assert.ok(lastTime(looped) > lastTime(once), 'capture time continues past the end of the file');
		const finalSummary = looped.messages.findLast((message): message is Summary => message.type === 'summary')!;
		assert.equal(finalSummary.progress?.loops, 2);
	});

	test('at --speed max the summaries still carry the capture\'s traffic by bucket of capture time', async () => {
		const run = await runCli(['-r', demo, '--json', '--speed', 'max']);
		assert.equal(run.exitCode, 0, run.stderr);
		const summaries = run.messages.filter((message): message is Summary => message.type === 'summary');
		const buckets = new Map<number, number>();
		for (const {history} of summaries) {
			history?.bytes.stratum.forEach((bytes, index) => {
				const start = history.start + index * history.bucketMilliseconds;
				buckets.set(start, (buckets.get(start) ?? 0) + bytes);
			});
		}

		const total = [...buckets.values()].reduce((sum, bytes) => sum + bytes, 0);
		assert.equal(total, summaries.at(-1)!.protocols.stratum.bytes, 'every Stratum byte is in a bucket');
		const busy = [...buckets.values()].filter(bytes => bytes > 0).length;
		assert.ok(busy >= 30, `Stratum traffic spread over the capture's ${buckets.size} buckets of capture time, not one: ${busy} busy`);
	});

	test('--count stops after that many packets', async () => {
		const run = await runCli(['-r', demo, '--json', '--count', '50']);
		assert.equal(run.exitCode, 0);
		assert.equal(run.end?.reason, 'count');
		assert.equal(run.end?.packets, 50);
	});

	test('--alerts appends every alert as a JSON line; --allow flags the host and keeps it out of the open count', async () => {
		const log = path.join(scratch, 'alerts.ndjson');
		const run = await runCli(['-r', dialects, '--json', '--alerts', log, '--allow', '10.0.0.0/8,192.168.0.0/16']);
		assert.equal(run.exitCode, 0);
		const logged = readFileSync(log, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {id: string; allowed: boolean});
		assert.equal(logged.length, run.messages.filter(message => message.type === 'alert').length);
		assert.ok(logged.length > 0 && logged.every(alert => alert.allowed));
		assert.deepEqual(run.end?.alertsOpen, {low: 0, medium: 0, high: 0, critical: 0});
	});

});

async function loopbackExchange(port: number, messages: number): Promise<void> {
	const server = createServer(socket => socket.pipe(socket));
	server.listen(port, '127.0.0.1');
	await once(server, 'listening');
	const client = connect(port, '127.0.0.1');
	await once(client, 'connect');
	for (let index = 0; index < messages; index++) {
		client.write(`message ${index}\n`);
		await once(client, 'data');
	}

	client.end();
	await once(client, 'close');
	server.close();
}

describe('live capture on loopback', () => {
	for (const helper of captureHelperNames) {
		test(`--capture ${helper}: counts the packets sent, stops at --count, exit 0`, {timeout: 60_000}, async t => {
			if (skipLive(t, isRoot() ? helperMissing(helper) : 'not root')) {
				return;
			}

			const port = await freePort();
			const packets = 12;
			let traffic: Promise<void> | undefined;
			const run = await runCli(['-i', 'lo', '-f', `tcp port ${port}`, '--capture', helper, '--json', '--count', String(packets), '--interval', '0.2'], {
				timeoutMs: 45_000,
				started(child) {
					child.stdout!.once('data', () => {
						traffic = loopbackExchange(port, 10);
					});
				},
			});
			await traffic;
			assert.equal(run.exitCode, 0, run.stderr);
			assert.equal(run.end?.reason, 'count');
			assert.equal(run.end?.packets, packets);
			assert.equal(run.end?.source.kind, 'live');
			assert.equal(run.end?.source.captureHelper, helper);
			const capture = run.end?.capture;
			assert.ok(capture !== undefined, 'the capture accounting is in the end record');
			assert.ok(capture.received !== undefined, 'libpcap counters reported');
			assert.equal(packets + capture.discarded, capture.delivered, 'processed + discarded = delivered');
			// The first summary comes as the capture starts: no packet yet, so no capture time and no rate.
			const summaries = run.messages.filter((message): message is Summary => message.type === 'summary');
			assert.deepEqual([summaries[0]?.totals.packets, summaries[0]?.time, summaries[0]?.rates], [0, undefined, undefined]);
			// Live rates count from the start, so the first summary with packets already has one.
			const firstWithPackets = summaries.find(summary => summary.totals.packets > 0);
			assert.ok(firstWithPackets?.rates !== undefined && firstWithPackets.rates.packetsPerSecond > 0, JSON.stringify(firstWithPackets?.rates));
		});
	}

	test('a quiet live link still raises a stalled exchange once its grace passes, while the capture runs', {timeout: 60_000}, async t => {
		if (skipLive(t, isRoot() ? helperMissing('tcpdump') : 'not root')) {
			return;
		}

		const port = await freePort();
		// A pool that accepts and never answers: the miner's subscribe stays one-sided and no packet follows.
		const pool = createServer(() => {});
		pool.listen(port, '127.0.0.1');
		await once(pool, 'listening');
		let miner: Socket | undefined;
		let alertWhileRunning = false;
		const run = await runCli(['-i', 'lo', '-f', `tcp port ${port}`, '--capture', 'tcpdump', '--json', '--interval', '0.2'], {
			timeoutMs: 45_000,
			started(child) {
				let printed = '';
				let stopping = false;
				const stop = () => {
					if (!stopping) {
						stopping = true;
						child.kill('SIGTERM');
					}
				};

				child.stdout!.on('data', (chunk: Buffer) => {
					printed += chunk.toString('utf8');
					if (miner === undefined) {
						miner = connect(port, '127.0.0.1', () => {
							miner!.write('{"id":1,"method":"mining.subscribe","params":["quiet-link-test/1.0"]}\n');
						});
						setTimeout(stop, 15_000);
					}

					if (!alertWhileRunning && !stopping && printed.includes('"type":"alert"')) {
						alertWhileRunning = true;
						stop();
					}
				});
			},
		});
		miner?.destroy();
		pool.close();
		assert.equal(run.signal, 'SIGTERM', run.stderr);
		assert.ok(alertWhileRunning, 'the alert came while the capture was running, not from its end');
		// The stage waits 2 s of capture time (held-findings.test.ts checks the due time): on a quiet
		// link only the capture clock's tick can raise it, so no packet came between the summaries around it.
		const firstAlert = run.messages.findIndex(message => message.type === 'alert');
		const before = run.messages.slice(0, firstAlert).findLast((message): message is Summary => message.type === 'summary');
		const after = run.messages.slice(firstAlert).find((message): message is Summary => message.type === 'summary');
		assert.ok(before !== undefined && after !== undefined, 'summaries before and after the alert');
		assert.ok(before.totals.packets > 0, 'the subscribe was counted before the alert');
		assert.equal(after.totals.packets, before.totals.packets, 'no packet raised it');
		// Both ends are in the home network: the listening end is a pool serving a miner.
		assert.deepEqual(run.alerts.map(alert => [alert.detection, alert.protocol, alert.certainty, alert.agent]), [
			['mining-pool', 'stratum', 70, undefined],
			['mining', 'stratum', 70, 'quiet-link-test/1.0'],
		]);
	});

	test('a missing interface → exit 3 before anything is drawn, naming it', {timeout: 30_000}, async t => {
		if (skipLive(t, isRoot() ? helperMissing('tcpdump') : 'not root')) {
			return;
		}

		const run = await runCli(['-i', 'no-such-if0', '--capture', 'tcpdump', '--json']);
		assert.equal(run.exitCode, 3);
		assert.match(run.stderr, /no-such-if0/);
		oneLineError(run.stderr);
	});

	test('--list-interfaces lists the loopback interface', async () => {
		const run = await runCli(['--list-interfaces']);
		assert.equal(run.exitCode, 0);
		assert.match(run.stdout, /^lo\tup, loopback\t127\.0\.0\.1/m);
	});

	test('--list-interfaces --json writes one interface object a line', async () => {
		const run = await runCli(['--list-interfaces', '--json']);
		assert.equal(run.exitCode, 0, run.stderr);
		const interfaces = run.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		assert.ok(interfaces.every(info => info['type'] === 'interface' && typeof info['name'] === 'string' && Array.isArray(info['addresses'])));
		const loopback = interfaces.find(info => info['name'] === 'lo');
		assert.deepEqual({...loopback, addresses: undefined, description: undefined}, {type: 'interface', name: 'lo', up: true, loopback: true, addresses: undefined, description: undefined});
		assert.ok((loopback!['addresses'] as string[]).includes('127.0.0.1'));
	});
});

describe('pool list file', () => {
	test('--pools with a missing file → exit 2, one line', async () => {
		const run = await runCli(['-r', dialects, '--json', '--pools', path.join(scratch, 'no-pools.txt')]);
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /--pools .*no-pools\.txt: no such file/);
		oneLineError(run.stderr);
	});

	test('--pools adds names: a lookup of a listed name raises a pool-lookup alert', async () => {
		const pools = path.join(scratch, 'pools.txt');
		// deb.debian.org is looked up by the demo's Bitcoin server before it fetches updates.
		writeFileSync(pools, '# our own list\ndeb.debian.org\n');
		const plain = await runCli(['-r', demo, '--json']);
		const withList = await runCli(['-r', demo, '--json', '--pools', pools]);
		assert.equal(withList.exitCode, 0, withList.stderr);
		assert.ok(!plain.alerts.some(alert => alert.peerName?.includes('deb.debian.org')));
		const added = withList.alerts.filter(alert => !plain.alerts.some(other => other.id === alert.id));
		assert.ok(added.length > 0, 'the listed name raises an alert');
		assert.ok(added.every(alert => alert.peerName?.includes('deb.debian.org') && alert.mitre?.technique === 'T1496.001'));
	});
});
