// Every real capture in ../shared/captures must read without error and yield exactly the packets
// Wireshark's capinfos counts, with the same first and last capture times.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {CaptureReader} from '../../source/capture/capture-reader.js';
import {needsSharedCaptures, sharedCaptureFiles} from '../support/repository.js';

const captureFiles = [...sharedCaptureFiles('positive'), ...sharedCaptureFiles('benign')];
const capinfosAvailable = spawnSync('capinfos', ['-v']).status === 0;

interface Expected {
	packets: number;
	earliestMicros: number;
	latestMicros: number;
}

/** capinfos prints seconds with 6 or 9 decimals; the reader keeps whole microseconds. */
function secondsToMicros(text: string): number {
	const [seconds = '', fraction = ''] = text.split('.');
	return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

function expectedByFile(): Map<string, Expected> {
	const result = spawnSync('capinfos', ['-c', '-a', '-e', '-S', '-M', '-T', '-r', ...captureFiles], {encoding: 'utf8', maxBuffer: 16 * 1024 * 1024});
	const expected = new Map<string, Expected>();
	for (const line of result.stdout.trim().split('\n')) {
		const [file = '', packets = '', earliest = '', latest = ''] = line.split('\t');
		expected.set(file, {packets: Number(packets), earliestMicros: secondsToMicros(earliest), latestMicros: secondsToMicros(latest)});
	}
	return expected;
}

const skip = needsSharedCaptures || (capinfosAvailable ? false : 'capinfos (Wireshark) is not installed');

test('every shared capture reads completely, packet for packet', {skip}, () => {
	const expected = expectedByFile();
	for (const file of captureFiles) {
		const want = expected.get(file);
		assert.ok(want !== undefined && Number.isInteger(want.packets), `capinfos gave no count for ${file}`);
		const bytes = readFileSync(file);
		const reader = new CaptureReader(file);
		let earliestMicros = Number.POSITIVE_INFINITY;
		let latestMicros = Number.NEGATIVE_INFINITY;
		const takeAll = (): void => {
			for (let record = reader.next(); record !== undefined; record = reader.next()) {
				earliestMicros = Math.min(earliestMicros, record.timestampMicros);
				latestMicros = Math.max(latestMicros, record.timestampMicros);
			}
		};
		for (let start = 0; start < bytes.length; start += 65536) {
			reader.append(bytes.subarray(start, start + 65536));
			takeAll();
		}
		reader.finish();
		takeAll();
		assert.equal(reader.stats.packets, want.packets, `${file}: packet count`);
		assert.equal(reader.warning, undefined, `${file}: no warning`);
		if (want.packets > 0) {
			assert.equal(earliestMicros, want.earliestMicros, `${file}: earliest packet time`);
			assert.equal(latestMicros, want.latestMicros, `${file}: latest packet time`);
		}
	}
});
