// Real packets for the fuzzers to mutate: a sample of every capture in fixtures/ and, when present,
// ../shared/captures (traffic nobody here wrote: other link types, odd stacks, fuzzed files). Whole
// conversations are kept in capture order, so the flow table and detectors see them as in production.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {CaptureReader} from '../../source/capture/capture-reader.js';
import {fixturesDirectory, sharedCaptureFiles} from './repository.js';

export interface SeedPacket {
	linkType: number;
	timestampMicros: number;
	bytes: Uint8Array;
}

export interface SeedCapture {
	name: string;
	/** The whole file. */
	file: Uint8Array;
	/** Its first packets, in order (enough to hold handshakes and first exchanges). */
	packets: SeedPacket[];
}

const packetsPerCapture = 400;

function readSeedCapture(file: string): SeedCapture {
	const bytes = readFileSync(file);
	const reader = new CaptureReader(path.basename(file));
	reader.append(bytes);
	reader.finish();
	const packets: SeedPacket[] = [];
	for (let record = reader.next(); record !== undefined && packets.length < packetsPerCapture; record = reader.next()) {
		const data = record.data.slice(record.offset, record.offset + record.capturedLength);
		packets.push({linkType: record.linkType, timestampMicros: record.timestampMicros, bytes: data});
	}
	return {name: path.basename(file), file: bytes, packets};
}

let loaded: SeedCapture[] | undefined;

/** Every fixture capture, then every shared capture (when ../shared is beside the project). */
export function seedCaptures(): SeedCapture[] {
	loaded ??= [
		...readdirSync(fixturesDirectory).filter((name) => /\.pcap(ng)?$/.test(name)).sort().map((name) => path.join(fixturesDirectory, name)),
		...sharedCaptureFiles('positive'),
		...sharedCaptureFiles('benign'),
	].map(readSeedCapture);
	return loaded;
}

/** The captures small enough to be mutated whole, file header and all. */
export function smallSeedFiles(maximumBytes = 64 * 1024): SeedCapture[] {
	return seedCaptures().filter((capture) => capture.file.length <= maximumBytes);
}

/** Every seed packet of every capture, for fuzzers that mutate one packet at a time. */
export function seedPackets(): SeedPacket[] {
	return seedCaptures().flatMap((capture) => capture.packets);
}
