// Stratum over TLS without names on a capture of a real TLS implementation: XMRig's conversation
// through OpenSSL (node:tls) on loopback, recorded by tcpdump (fixtures/real/capture-stratum-tls.ts).
// The committed capture is always replayed; a fresh one is made when MINEWATCH_CAPTURE_STRATUM_TLS
// is set and tcpdump, root and openssl are there (it takes a minute), and the test skips otherwise.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {captureStratumTlsSession, captureUnavailable} from '../../fixtures/real/capture-stratum-tls.js';
import type {Alert} from '../../source/model/messages.js';
import {fixturesDirectory} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';

async function alertsOf(capture: string): Promise<Alert[]> {
	const run = await runCli(['-r', capture, '--json']);
	assert.equal(run.exitCode, 0, run.stderr);
	assert.equal(run.end?.decodeErrors, 0);
	return run.alerts;
}

/** Both ends are 127.0.0.1, in the home network: the miner's alert and the pool's, both from the shape alone. */
function assertMiningShape(alerts: Alert[]): void {
	const mining = alerts.filter((alert) => alert.detection === 'mining');
	assert.equal(mining.length, 1, alerts.map((alert) => `${alert.detection}: ${alert.evidence.join(' / ')}`).join(' | '));
	assert.equal(mining[0]!.protocol, 'tls');
	assert.equal(mining[0]!.certainty, 40);
	assert.ok(alerts.every((alert) => alert.evidence.every((line) => line.startsWith('shape:'))), 'nothing but the shape shows it');
	assert.deepEqual(alerts.map((alert) => alert.detection).sort(), ['mining', 'mining-pool']);
}

test('the committed OpenSSL capture (fixtures/real/stratum-tls-openssl.pcap) is mining by its shape', async () => {
	assertMiningShape(await alertsOf(path.join(fixturesDirectory, 'real', 'stratum-tls-openssl.pcap')));
});

const fresh = process.env.MINEWATCH_CAPTURE_STRATUM_TLS === undefined ? 'set MINEWATCH_CAPTURE_STRATUM_TLS to capture a fresh session (a minute)' : captureUnavailable();

test('a fresh OpenSSL session captured on loopback is mining by its shape', {skip: fresh}, async () => {
	const directory = mkdtempSync(path.join(tmpdir(), 'minewatch-stratum-tls-'));
	try {
		const capture = path.join(directory, 'session.pcap');
		await captureStratumTlsSession(capture, 22);
		assertMiningShape(await alertsOf(capture));
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});
