// Real programs whose traffic looks random or periodic from its first byte like BIP324, RLPx or
// Stratum over TLS, all on the Bitcoin port 8333, must raise nothing: the captures committed in
// fixtures/real/traps (made by fixtures/real/capture-traps.ts), and fresh ones made now in network
// namespaces of their own when the machine has root and the programs (CI installs them).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {captureTrap, trapPort, traps, trapUnavailable} from '../../fixtures/real/capture-traps.js';
import {fixturesDirectory} from '../support/repository.js';
import {runCli} from '../support/run-cli.js';

const committed = path.join(fixturesDirectory, 'real', 'traps');

/** Replays `file`: it must read cleanly, hold a conversation on 8333, and raise no alert at all. */
async function assertSilent(file: string): Promise<void> {
	const {exitCode, alerts, end} = await runCli(['-r', file, '--json']);
	assert.equal(exitCode, 0, file);
	assert.ok(end !== undefined && end.packets >= 20 && end.decodeErrors === 0, `${file}: a real conversation, all decoded`);
	assert.deepEqual(alerts.map((alert) => `${alert.protocol}: ${alert.evidence.join(' / ')}`), [], file);
}

test('every trap is committed as a capture on port 8333', () => {
	assert.deepEqual(readdirSync(committed).sort(), traps.map((trap) => `${trap}-${trapPort}.pcap`).sort());
});

for (const trap of traps) {
	test(`the committed ${trap} capture on 8333 raises no alert`, async () => {
		await assertSilent(path.join(committed, `${trap}-${trapPort}.pcap`));
	});

	test(`a fresh ${trap} capture on 8333 raises no alert`, {skip: trapUnavailable(trap)}, async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'minewatch-traps-'));
		try {
			const output = path.join(directory, `${trap}.pcap`);
			await captureTrap(trap, output);
			await assertSilent(output);
		} finally {
			rmSync(directory, {recursive: true, force: true});
		}
	});
}
