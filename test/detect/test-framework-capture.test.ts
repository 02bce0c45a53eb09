// Bitcoin v2 on captures of a real implementation: Bitcoin Core's Python test framework making a
// BIP324 connection between two processes on loopback (fixtures/real). The committed capture is
// always replayed; fresh ones are made when python3, tcpdump, root and a Bitcoin Core checkout's
// test/functional (MINEWATCH_BITCOIN_FUNCTIONAL) are there, and the test skips otherwise.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {captureTestFrameworkSession, captureUnavailable} from '../../fixtures/real/capture-test-framework.js';
import type {Alert} from '../../source/model/messages.js';
import {fixturesDirectory} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';

const functionalDirectory = process.env.MINEWATCH_BITCOIN_FUNCTIONAL;
/** The framework's randomness is seeded, so these sessions have the same sizes on every run. */
const seeds = ['11', '12', '13', '14', '15', '16'];

async function alertsOf(capture: string): Promise<Alert[]> {
	const run = await runCli(['-r', capture, '--json']);
	assert.equal(run.exitCode, 0, run.stderr);
	assert.equal(run.end?.decodeErrors, 0);
	return run.alerts;
}

function assertOneV2Node(alerts: Alert[], label: string): void {
	assert.equal(alerts.length, 1, `${label}: ${alerts.map((alert) => alert.evidence.join(' / ')).join(' | ')}`);
	const [alert] = alerts;
	assert.equal(alert!.detection, 'bitcoin-node', label);
	assert.equal(alert!.protocol, 'bitcoin-p2p-v2', label);
	assert.equal(alert!.host, '127.0.0.1');
	assert.equal(alert!.network, 'bitcoin-v2', `${label}: the framework listens on an odd port`);
	assert.ok(alert!.evidence.every((line) => line.startsWith('shape:')), label);
}

test('the committed test-framework capture (fixtures/real/bip324-test-framework.pcap) is one bitcoin-v2 node', async () => {
	assertOneV2Node(await alertsOf(path.join(fixturesDirectory, 'real', 'bip324-test-framework.pcap')), 'committed capture');
});

test(`${seeds.length} fresh test-framework connections captured on loopback are each one bitcoin-v2 node`, {skip: captureUnavailable(functionalDirectory)}, async () => {
	const directory = mkdtempSync(path.join(tmpdir(), 'minewatch-bip324-'));
	try {
		for (const seed of seeds) {
			const capture = path.join(directory, `session-${seed}.pcap`);
			await captureTestFrameworkSession(functionalDirectory!, capture, seed);
			assertOneV2Node(await alertsOf(capture), `seed ${seed}`);
		}
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});
