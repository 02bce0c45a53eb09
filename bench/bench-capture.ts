// Builds the benchmark's large capture with the fixture builder's real packet crafting: about
// 2.45 million Ethernet/IPv4 packets in 200,000 distinct TCP connections from 4,000 hosts to
// random servers (TLS with SNI, HTTP, JSON-RPC) plus DNS over UDP; 3% of the connections are a dozen
// miners reconnecting to eight Stratum pools and 2% are three Bitcoin nodes meeting 500 peers,
// so the detectors work on every flow's first bytes and raise a realistic number of alerts.
// Written in batches so memory stays small; cached in the temp folder between runs.
import {createWriteStream, existsSync, renameSync, statSync} from 'node:fs';
import {once} from 'node:events';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {writePcap} from '../fixtures/builder/capture-writer.js';
import {localHost, remoteHost, site} from '../fixtures/builder/network-hosts.js';
import {TcpSession} from '../fixtures/builder/tcp-session.js';
import {Timeline, milliseconds} from '../fixtures/builder/timeline.js';
import {UdpExchange} from '../fixtures/builder/udp-exchange.js';
import {dnsQuery, dnsResponse} from '../fixtures/builder/protocols/dns.js';
import {httpRequest, httpResponse} from '../fixtures/builder/protocols/http.js';
import {clientFinished, clientHello, helloSessionId, serverHelloFlight} from '../fixtures/builder/protocols/tls.js';
import {bitcoinMessage, versionPayload, fullNodeServices} from '../fixtures/builder/protocols/bitcoin-p2p.js';
import {subscribeRequest, subscribeResult, authorizeRequest} from '../fixtures/builder/protocols/stratum-v1.js';
import {SeededRandom} from '../fixtures/builder/seeded-random.js';

const connections = 200_000;
const connectionsPerBatch = 2_000;
const formatVersion = 5;

export function benchCapturePath(): string {
	return path.join(tmpdir(), `minewatch-bench-v${formatVersion}-${connections}.pcap`);
}

const lan = site(0, 'ethernet');

function clientAddress(index: number): string {
	return `10.${(index >> 16) & 0xff}.${(index >> 8) & 0xff}.${(index & 0xff) || 1}`;
}

function serverAddress(random: SeededRandom): string {
	return `${random.integer(1, 223)}.${random.integer(0, 255)}.${random.integer(0, 255)}.${random.integer(1, 254)}`;
}

function connection(timeline: Timeline, index: number, start: number, random: SeededRandom): void {
	const kind = index % 100;
	const serverPort = kind < 50 ? 443 : kind < 85 ? 80 : kind < 95 ? 8545 : kind < 98 ? 3333 : 8333;
	const clientIndex = serverPort === 3333 ? 4000 + (index % 12) : serverPort === 8333 ? 4100 + (index % 3) : index % 4000;
	const client = localHost(clientAddress(clientIndex), lan, `02:00:00:00:${((clientIndex >> 8) & 0xff).toString(16).padStart(2, '0')}:${(clientIndex & 0xff).toString(16).padStart(2, '0')}`);
	const serverHost = serverPort === 3333 ? `198.51.100.${10 + (index % 8)}` : serverPort === 8333 ? `203.0.${113 + (index % 2)}.${index % 250}` : serverAddress(random);
	const session = new TcpSession(timeline, {
		client: {host: client, port: 20_000 + (index % 40_000)},
		server: {host: remoteHost(serverHost), port: serverPort},
		seed: index + 1,
		roundTripMicros: 20_000 + (index % 50) * 1000,
	});
	let time = session.connect(start);
	if (serverPort === 443) {
		const hello = clientHello(random, {serverName: `www.site${index % 3000}.example`, alpn: ['h2', 'http/1.1']});
		time = session.send('client', hello, time + 200);
		time = session.send('server', serverHelloFlight(random, helloSessionId(hello), 2400), time + 200);
		time = session.send('client', clientFinished(random), time + 200);
	} else if (serverPort === 80) {
		time = session.send('client', httpRequest('GET', `/item/${index}`, [['Host', 'shop.example'], ['User-Agent', 'bench/1']]), time + 200);
		time = session.send('server', httpResponse(200, 'OK', [['Content-Type', 'text/html']], random.bytes(2400).toString('base64')), time + 200);
	} else if (serverPort === 8545) {
		time = session.send('client', `{"jsonrpc":"2.0","id":${index},"method":"eth_blockNumber","params":[]}\n`, time + 200);
		time = session.send('server', `{"jsonrpc":"2.0","id":${index},"result":"0x10d4f"}\n`, time + 200);
	} else if (serverPort === 3333) {
		time = session.send('client', subscribeRequest(1, 'cgminer/4.12.1'), time + 200);
		time = session.send('server', subscribeResult(1, random.hex(4), random.hex(8)), time + 200);
		time = session.send('client', authorizeRequest(2, `worker${index}`, 'x'), time + 200);
	} else {
		const version = versionPayload({
			services: fullNodeServices,
			timestamp: 1_700_000_000 + index,
			receiverAddress: client.address,
			receiverPort: 20_000,
			nonce: BigInt(index),
			userAgent: '/Satoshi:27.0.0/',
			startHeight: 850_000,
		});
		time = session.send('client', bitcoinMessage('bitcoin-mainnet', 'version', version), time + 200);
		time = session.send('server', bitcoinMessage('bitcoin-mainnet', 'verack'), time + 200);
	}

	session.close('client', time + 1000);
}

function dnsLookup(timeline: Timeline, index: number, start: number): void {
	const client = localHost(clientAddress(index % 4000), lan, '02:00:00:00:ff:01');
	const exchange = new UdpExchange(timeline, {host: client, port: 30_000 + (index % 30_000)}, {host: localHost('10.255.0.53', lan, '02:00:00:00:ff:53'), port: 53}, index + 7);
	const name = `host${index % 5000}.example.com`;
	exchange.exchange(start, dnsQuery(index & 0xffff, name), dnsResponse(index & 0xffff, name, {addresses: [`93.184.${(index >> 8) & 0xff}.${index & 0xff}`]}));
}

/** Writes the capture if it is not cached yet; returns its path. */
export async function ensureBenchCapture(log: (line: string) => void): Promise<string> {
	const file = benchCapturePath();
	if (existsSync(file)) {
		return file;
	}

	log(`building ${file} (once; cached in the temp folder) ...`);
	const partial = `${file}.partial`;
	const output = createWriteStream(partial);
	const random = new SeededRandom(2026);
	const batchSpanMicros = milliseconds(2000);
	for (let batch = 0; batch * connectionsPerBatch < connections; batch++) {
		const timeline = new Timeline();
		const batchStart = 1_764_460_800_000_000 + batch * batchSpanMicros;
		for (let offset = 0; offset < connectionsPerBatch; offset++) {
			const index = batch * connectionsPerBatch + offset;
			const start = batchStart + Math.floor((offset / connectionsPerBatch) * (batchSpanMicros / 2));
			connection(timeline, index, start, random);
			if (offset % 4 === 0) {
				dnsLookup(timeline, index, start);
			}
		}

		const bytes = writePcap(timeline.ordered(), {linkType: 1});
		if (!output.write(batch === 0 ? bytes : bytes.subarray(24))) {
			await once(output, 'drain');
		}
	}

	output.end();
	await once(output, 'finish');
	renameSync(partial, file);
	log(`built ${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB`);
	return file;
}
