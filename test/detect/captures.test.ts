// Acceptance: the built CLI over the shared real captures reports exactly what LABELS.md says a
// correct detector reports, and nothing on the benign ones. Skipped when ../shared is absent.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import type {Alert, WorkerMessage} from '../../source/model/messages.js';
import {cliPath as cli, needsSharedCaptures, sharedCaptures as captures} from '../support/repository.js';

const run = promisify(execFile);

/** The latest state of every alert the CLI reported for `file`. */
async function alertsFor(file: string): Promise<Alert[]> {
	const {stdout} = await run(process.execPath, [cli, '-r', file, '--json'], {maxBuffer: 64 * 1024 * 1024, timeout: 60_000});
	const messages = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as WorkerMessage);
	assert.equal(messages.at(-1)?.type, 'end', `${path.basename(file)} ends with an end message`);
	const latest = new Map<string, Alert>();
	for (const message of messages) if (message.type === 'alert') latest.set(message.id, message);
	return [...latest.values()];
}

type Expected = [detection: Alert['detection'], host: string, peer: string, direction: Alert['direction']];

function summary(alerts: Alert[]): Expected[] {
	return alerts.map((alert): Expected => [alert.detection, alert.host, alert.peer, alert.direction]).sort((left, right) => left.join().localeCompare(right.join()));
}

function sorted(expected: Expected[]): Expected[] {
	return [...expected].sort((left, right) => left.join().localeCompare(right.join()));
}

test('bitcoin.pcap: one Bitcoin node talking to six external peers', {skip: needsSharedCaptures}, async () => {
	const alerts = await alertsFor(path.join(captures, 'positive', 'bitcoin.pcap'));
	const peers = ['74.89.181.229', '66.68.83.22', '195.218.16.178', '69.118.54.122', '184.58.165.119', '188.165.213.169'];
	assert.deepEqual(summary(alerts), sorted(peers.map((peer): Expected => ['bitcoin-node', '192.168.1.142', peer, 'internal-external'])));
	for (const alert of alerts) {
		assert.equal(alert.network, 'bitcoin-mainnet');
		assert.equal(alert.hostRole, 'node');
	}
});

test('mining.pcapng: three miners and four pools, one of them external to external', {skip: needsSharedCaptures}, async () => {
	const alerts = await alertsFor(path.join(captures, 'positive', 'mining.pcapng'));
	assert.deepEqual(summary(alerts), sorted([
		['mining', '192.168.2.148', '94.23.199.191', 'internal-external'],
		['mining', '192.168.2.148', '116.211.167.195', 'internal-external'],
		['mining', '192.168.2.92', '178.32.196.217', 'internal-external'],
		['mining', '147.229.13.222', '185.71.66.39', 'external-external'],
	]));
	const xmrStak = alerts.find((alert) => alert.host === '192.168.2.92');
	assert.equal(xmrStak?.agent, 'xmr-stak-cpu/1.3.0-1.5.0');
	assert.ok(alerts.every((alert) => alert.protocol === 'stratum' && alert.certainty >= 90 && alert.hostRole === 'miner'));
});

test('monero.pcap: one Monero node talking to four external peers', {skip: needsSharedCaptures}, async () => {
	const alerts = await alertsFor(path.join(captures, 'positive', 'monero.pcap'));
	const peers = ['159.69.36.66', '78.56.22.89', '62.210.127.86', '100.42.27.58'];
	assert.deepEqual(summary(alerts), sorted(peers.map((peer): Expected => ['crypto-node', '192.168.2.100', peer, 'internal-external'])));
	assert.ok(alerts.every((alert) => alert.network === 'monero-mainnet' && alert.protocol === 'monero-p2p'));
});

test('bitcoin-mining.pcap: one miner, a getwork/GBT pool and a Stratum pool', {skip: needsSharedCaptures}, async () => {
	const alerts = await alertsFor(path.join(captures, 'positive', 'bitcoin-mining.pcap'));
	assert.deepEqual(summary(alerts), sorted([
		['mining', '10.0.2.15', '113.21.199.11', 'internal-external'],
		['mining', '10.0.2.15', '74.84.128.158', 'internal-external'],
	]));
	assert.ok(alerts.some((alert) => alert.protocol === 'getwork'));
	assert.ok(alerts.some((alert) => alert.evidence.some((line) => line.includes('mining.subscribe'))));
});

test('coinhive-stratum.pcap: one miner and its pool; only the coinhive.com lookup may be added', {skip: needsSharedCaptures}, async () => {
	const alerts = await alertsFor(path.join(captures, 'positive', 'coinhive-stratum.pcap'));
	const required = alerts.filter((alert) => !(alert.detection === 'mining-pool-lookup' && alert.peerName === 'coinhive.com'));
	assert.deepEqual(summary(required), [['mining', '10.0.2.15', '192.110.160.114', 'internal-external']]);
	assert.equal(required[0]?.peerName, 'la01.supportxmr.com');
});

test('benign captures raise no alert at all', {skip: needsSharedCaptures}, async () => {
	const directory = path.join(captures, 'benign');
	const files = readdirSync(directory).filter((name) => /\.pcap(ng)?$/.test(name)).sort();
	assert.ok(files.length >= 100, `expected the benign set, found ${files.length} files`);
	const noisy: string[] = [];
	for (const name of files) {
		const alerts = await alertsFor(path.join(directory, name));
		if (alerts.length > 0) noisy.push(`${name}: ${alerts.map((alert) => `${alert.detection} ${alert.host}→${alert.peer}`).join(', ')}`);
	}
	assert.deepEqual(noisy, []);
});
