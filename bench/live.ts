// `npm run bench -- live`: live capture under load, measured live. Real traffic (the loopback variant
// of the real-traffic capture: ../shared/captures rewritten into 127.0.0.0/8, IPv4 checksums left
// stale so the kernel answers nothing) is replayed on lo by tcpreplay at each rate, while
// `tcpdump -i lo -w /dev/null` and `minewatch -i lo --capture HELPER --json` capture the same packets
// in the same run. Halfway through each replay a real Stratum login crosses lo (a TCP client and a
// pool that answers it with a job, both in this process), and the time from sending the login to
// reading its alert line from minewatch's output is the packet-to-alert latency.
// Root only, loopback only; every child is one this script started and ends.
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createServer, connect, type Server} from 'node:net';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {createInterface} from 'node:readline';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {captureHelperNames, pcapModuleLoads, type CaptureHelperName} from '../source/capture/capture-helper.js';
import {log, onPath} from './console.js';
import {ensureLoopbackCapture} from './real-traffic-capture.js';

const defaultRates = [25_000, 50_000, 100_000, 200_000];
/** Each replay lasts about this long, whatever the rate (the file is looped when it holds too few packets). */
const defaultReplaySeconds = 8;
const loopbackPackets = 400_000;
/** Both captures are open before the first packet and see the last one. */
const settleMillis = 1500;
/** Longer than any helper's buffer timeout (tcpdump's is 1 s), so what is delivered is delivered before the stop. */
const drainMillis = 2500;
/** The pool and its miner: addresses of their own in 127/8, apart from the replayed hosts'. */
const poolAddress = '127.254.0.1';
const minerAddress = '127.254.0.2';
const poolPort = 3333;
const targetShare = 0.995;
const targetLatencyMillis = 300;
const here = path.dirname(fileURLToPath(import.meta.url));
const cliPath = path.join(here, '..', 'source', 'cli.js');

interface TcpdumpCounts {
	captured: number;
	received: number;
	droppedByKernel: number;
}

interface MinewatchCounts {
	processed: number;
	received?: number;
	dropped?: number;
	interfaceDropped?: number;
	helperDropped?: number;
	delivered?: number;
	discarded?: number;
	latencyMillis?: number;
}

interface Row {
	helper: CaptureHelperName;
	rate: number;
	achievedRate: number;
	sent: number;
	reference: TcpdumpCounts;
	minewatch: MinewatchCounts;
}

function delay(millis: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, millis);
	});
}

/** The child's standard output and error as text, once it has exited: call it right after spawning. */
function collectOutput(child: ChildProcess): Promise<string> {
	let text = '';
	for (const stream of [child.stdout, child.stderr]) {
		stream?.setEncoding('utf8');
		stream?.on('data', (chunk: string) => {
			text += chunk;
		});
	}

	return new Promise(resolve => {
		child.on('close', () => {
			resolve(text);
		});
	});
}

function countAfter(text: string, pattern: RegExp): number {
	const match = pattern.exec(text);
	return match === null ? Number.NaN : Number(match[1]);
}

/** A pool that answers a login with a job, as XMRig's pools do, so the detector sees both sides. */
async function startPool(): Promise<Server> {
	const server = createServer(socket => {
		socket.on('data', () => {
			socket.write('{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"bench","job":{"blob":"0707e4c5","job_id":"1","target":"b88d0600","algo":"rx/0","height":3000000,"seed_hash":"00"},"extensions":["algo"],"status":"OK"}}\n');
		});
		socket.on('error', () => {});
	});
	server.listen(poolPort, poolAddress);
	await once(server, 'listening');
	return server;
}

/** Sends one login and returns when it was written (performance.now()). */
async function sendLogin(): Promise<{sentAt: number; close: () => void}> {
	const socket = connect({host: poolAddress, port: poolPort, localAddress: minerAddress});
	await once(socket, 'connect');
	socket.on('error', () => {});
	socket.on('data', () => {});
	const sentAt = performance.now();
	socket.write('{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"bench-wallet","pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0","algo":["rx/0"]}}\n');
	return {sentAt, close: () => socket.destroy()};
}

function tcpreplayCount(text: string): {sent: number; achievedRate: number} {
	const actual = /Actual: (\d+) packets/.exec(text);
	const rated = /Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/.exec(text);
	return {sent: actual === null ? Number.NaN : Number(actual[1]), achievedRate: rated === null ? Number.NaN : Number(rated[1])};
}

/** What one run's three programs printed, as a row. */
function rowOf(helper: CaptureHelperName, rate: number, end: Record<string, unknown>, referenceText: string, replayText: string, latencyMillis: number | undefined): Row {
	const processed = end['packets'] as number;
	const capture = (end['capture'] ?? {}) as Omit<MinewatchCounts, 'processed' | 'latencyMillis'>;
	return {
		helper,
		rate,
		...tcpreplayCount(replayText),
		reference: {
			captured: countAfter(referenceText, /(\d+) packets? captured/),
			received: countAfter(referenceText, /(\d+) packets? received by filter/),
			droppedByKernel: countAfter(referenceText, /(\d+) packets? dropped by kernel/),
		},
		minewatch: {...capture, processed, latencyMillis},
	};
}

/** How tcpreplay paces: its default timer (gtod) busy-waits a whole core; `nano` sleeps between packets. */
type ReplayTimer = 'gtod' | 'nano';
const replayTimers: readonly ReplayTimer[] = ['gtod', 'nano'];

interface LiveOptions {
	helpers?: string[];
	rates: number[];
	replaySeconds: number;
	timer: ReplayTimer;
}

async function measure(file: string, helper: CaptureHelperName, rate: number, {replaySeconds, timer}: LiveOptions): Promise<Row> {
	const reference = spawn('tcpdump', ['-i', 'lo', '-n', '-w', '/dev/null'], {stdio: ['ignore', 'ignore', 'pipe']});
	const referenceOutput = collectOutput(reference);
	const minewatch = spawn(process.execPath, [cliPath, '-i', 'lo', '--capture', helper, '--json', '--interval', '1'], {stdio: ['ignore', 'pipe', 'pipe']});
	let minewatchErrors = '';
	minewatch.stderr!.setEncoding('utf8');
	minewatch.stderr!.on('data', (chunk: string) => {
		minewatchErrors += chunk;
	});
	const minewatchClosed = once(minewatch, 'close');
	let end: Record<string, unknown> | undefined;
	let alertAt: number | undefined;
	let ready!: () => void;
	const started = new Promise<void>(resolve => {
		ready = resolve;
	});
	createInterface({input: minewatch.stdout!}).on('line', line => {
		const message = JSON.parse(line) as Record<string, unknown>;
		if (message['type'] === 'summary') ready();
		if (message['type'] === 'alert' && message['host'] === minerAddress && alertAt === undefined) alertAt = performance.now();
		if (message['type'] === 'end') end = message;
	});
	try {
		await Promise.race([started, minewatchClosed]);
		if (minewatch.exitCode !== null) {
			throw new Error(`minewatch --capture ${helper} did not start: ${minewatchErrors.trim().split('\n')[0] ?? ''}`);
		}

		await delay(settleMillis);
		const packets = rate * replaySeconds;
		const replay = spawn('tcpreplay', ['-i', 'lo', `--timer=${timer}`, `--pps=${rate}`, `--limit=${packets}`, `--loop=${Math.ceil(packets / loopbackPackets)}`, file], {stdio: ['ignore', 'pipe', 'pipe']});
		const replayOutput = collectOutput(replay);
		await delay((replaySeconds * 1000) / 2);
		const login = await sendLogin();
		const replayText = await replayOutput;
		await delay(drainMillis);
		login.close();
		minewatch.kill('SIGINT');
		reference.kill('SIGINT');
		const [referenceText] = await Promise.all([referenceOutput, minewatchClosed]);
		if (end === undefined) {
			throw new Error(`minewatch --capture ${helper} ended without an end record: ${minewatchErrors.trim().split('\n')[0] ?? ''}`);
		}

		return rowOf(helper, rate, end, referenceText, replayText, alertAt === undefined ? undefined : alertAt - login.sentAt);
	} finally {
		reference.kill('SIGINT');
		minewatch.kill('SIGINT');
	}
}

function thousands(value: number | undefined): string {
	return value === undefined || Number.isNaN(value) ? '-' : value.toLocaleString('en');
}

function printRow(row: Row): void {
	const {minewatch, reference} = row;
	const share = minewatch.processed / reference.captured;
	const latency = minewatch.latencyMillis === undefined ? 'no alert' : `${minewatch.latencyMillis.toFixed(0)} ms`;
	log([
		row.helper.padEnd(8),
		`${(row.rate / 1000).toFixed(0)}k`.padStart(5),
		`${(row.achievedRate / 1000).toFixed(1)}k`.padStart(7),
		thousands(row.sent).padStart(10),
		thousands(reference.captured).padStart(10),
		thousands(reference.received).padStart(10),
		thousands(reference.droppedByKernel).padStart(8),
		thousands(minewatch.received).padStart(10),
		thousands(minewatch.delivered).padStart(10),
		thousands(minewatch.processed).padStart(10),
		`${(100 * share).toFixed(2)}%`.padStart(8),
		thousands(minewatch.dropped).padStart(8),
		thousands(minewatch.helperDropped).padStart(8),
		thousands(minewatch.discarded).padStart(9),
		latency.padStart(9),
	].join(' '));
}

function verdicts(rows: Row[]): void {
	for (const helper of new Set(rows.map(row => row.helper))) {
		const upTo100k = rows.filter(row => row.helper === helper && row.rate <= 100_000);
		const worst = Math.min(...upTo100k.map(row => row.minewatch.processed / row.reference.captured));
		const at100k = rows.find(row => row.helper === helper && row.rate === 100_000)?.minewatch.latencyMillis;
		log(`${helper}: processes at least ${(100 * worst).toFixed(2)}% of tcpdump's packets up to 100k packets/s (target ${(100 * targetShare).toFixed(1)}%); packet-to-alert at 100k packets/s ${at100k === undefined ? 'no alert' : `${at100k.toFixed(0)} ms`} (target under ${targetLatencyMillis} ms)`);
	}
}

/**
 * `npm run bench -- live [--helpers pcap,tcpdump] [--rates 25000,100000] [--seconds 20] [--timer nano]`:
 * a part of the whole table, longer replays, or a load generator that leaves the CPU to the capture.
 */
function liveOptions(args: string[]): LiveOptions | undefined {
	const {values} = parseArgs({args, options: {helpers: {type: 'string'}, rates: {type: 'string'}, seconds: {type: 'string'}, timer: {type: 'string'}}, allowPositionals: true});
	const timer = (values.timer ?? 'gtod') as ReplayTimer;
	if (!replayTimers.includes(timer)) {
		log(`live bench not run: --timer takes ${replayTimers.join(' or ')}`);
		return undefined;
	}
	return {
		helpers: values.helpers?.split(','),
		rates: values.rates === undefined ? defaultRates : values.rates.split(',').map(Number),
		replaySeconds: values.seconds === undefined ? defaultReplaySeconds : Number(values.seconds),
		timer,
	};
}

export async function runLiveBench(args: string[]): Promise<void> {
	const options = liveOptions(args);
	if (options === undefined) return;
	const {helpers: chosenHelpers, rates, replaySeconds, timer} = options;
	if (process.getuid?.() !== 0) {
		log('live bench not run: it captures on lo and replays with tcpreplay, which need root (run: sudo npm run bench -- live)');
		return;
	}

	const missing = ['tcpreplay', 'tcpdump'].filter(command => !onPath(command));
	if (missing.length > 0) {
		log(`live bench not run: ${missing.join(' and ')} not installed (Debian: apt-get install ${missing.join(' ')})`);
		return;
	}

	const file = await ensureLoopbackCapture(log, loopbackPackets);
	if (file === undefined) {
		log('live bench not run: it replays real traffic from ../shared/captures, which is not beside the project');
		return;
	}

	const helpers = captureHelperNames.filter(helper => (chosenHelpers === undefined || chosenHelpers.includes(helper)) && (helper === 'pcap' ? pcapModuleLoads() : onPath(helper)));
	const pool = await startPool();
	log(`\n== live capture on lo: ${file} replayed by tcpreplay (--timer=${timer}) for ~${replaySeconds} s per rate, beside tcpdump -i lo -w /dev/null ==`);
	log('columns: helper, asked rate, rate tcpreplay achieved, packets sent; tcpdump: captured, received by filter, dropped by kernel;');
	log('minewatch: received by libpcap, delivered by its helper, processed, processed/tcpdump captured, dropped by kernel, dropped in the helper, discarded at the stop, packet-to-alert latency');
	log('(on lo the kernel hands libpcap each packet twice, as sent and as received, and libpcap keeps one: "received" counts both where libpcap reports it)');
	const rows: Row[] = [];
	try {
		for (const helper of helpers) {
			for (const rate of rates) {
				try {
					const row = await measure(file, helper, rate, options);
					rows.push(row);
					printRow(row);
				} catch (error) {
					log(`${helper.padEnd(8)} ${`${(rate / 1000).toFixed(0)}k`.padStart(5)} not measured: ${(error as Error).message}`);
				}
			}
		}
	} finally {
		pool.close();
	}

	log('');
	verdicts(rows);
}
