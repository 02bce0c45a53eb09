// Fuzzing the whole replay the capture worker runs (CaptureSession: file input, gunzip, reader,
// pump, pipeline, detection, summaries, loops, the end record) with mutated real captures, plain
// or gzipped (before or after the damage), once or with --loop and --count. The session always ends, posts exactly one `end` and
// it last, reports only "not a capture" (exit 2) as an error, never an internal one, keeps within
// --count, and every string it posts is display-safe.
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, test} from 'node:test';
import {gzipSync} from 'node:zlib';
import fc from 'fast-check';
import {CaptureSession} from '../../source/session/capture-session.js';
import {exitCodes} from '../../source/exit-codes.js';
import type {End, WorkerMessage} from '../../source/model/messages.js';
import {resolveOptions} from '../../source/options.js';
import {applyMutations, mutatedSeed} from '../support/byte-mutations.js';
import {checkAsyncProperty} from '../support/fuzz.js';
import {assertSanitized} from '../support/fuzz-pipeline.js';
import {smallSeedFiles} from '../support/seed-packets.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'minewatch-session-fuzz-'));

async function replay(file: string, flags: {loop: boolean; count?: number}): Promise<WorkerMessage[]> {
	const {session: options} = resolveOptions({read: file, listInterfaces: false, loop: flags.loop, count: flags.count?.toString(), json: true, wall: false, allow: [], interval: '0.1', flowCap: '100', hostCap: '100', payloadBytes: '4096'}, false);
	const messages: WorkerMessage[] = [];
	// Without an unprivileged user to switch to, the session never posts source-open.
	await new CaptureSession(options, (message) => messages.push(message as WorkerMessage)).run();
	return messages;
}

describe('capture session fuzz', () => {
	const seeds = smallSeedFiles(32 * 1024);

	test('mutated real captures, plain, gzipped or damaged gzip, once or looped', async () => {
		let run = 0;
		await checkAsyncProperty(
			fc.asyncProperty(mutatedSeed(seeds.length, 6), fc.constantFrom('plain', 'gzip', 'damaged gzip'), fc.boolean(), fc.integer({min: 1, max: 400}), async ([seed, mutations], encoding, loop, count) => {
				const bytes = encoding === 'damaged gzip' ? applyMutations(gzipSync(seeds[seed]!.file), mutations) : applyMutations(seeds[seed]!.file, mutations);
				const file = path.join(scratch, `input-${run++}.pcap`);
				writeFileSync(file, encoding === 'gzip' ? gzipSync(bytes) : bytes);
				// A loop ends at --count; without a packet to count it must end by itself.
				const messages = await replay(file, {loop, count: loop ? count : undefined});
				const ends = messages.filter((message): message is End => message.type === 'end');
				assert.equal(ends.length, 1, 'one end record');
				assert.equal(messages.at(-1), ends[0], 'the end record comes last');
				const end = ends[0]!;
				for (const message of messages) {
					if (message.type === 'error') assert.equal(message.exitCode, exitCodes.badInput, `only "not a capture" may fail a replay: ${message.message}`);
				}
				if (end.reason === 'error') assert.ok(messages.some((message) => message.type === 'error'), 'an error end says why');
				if (loop) assert.ok(end.packets <= count, `${end.packets} packets within --count ${count}`);
				assertSanitized(messages, 'posted messages');
			}),
			300,
		);
	});
});
