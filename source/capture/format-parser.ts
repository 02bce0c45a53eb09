// What the capture reader asks of each file format (classic pcap, pcapng).
import type {ChunkQueue} from './chunk-queue.js';
import type {PacketRecord} from './packet-record.js';

export const parseSteps = {
	/** `record` holds the next packet. */
	packet: 0,
	/** The next record is not complete yet; `pendingLength` says how many bytes it needs. */
	needMore: 1,
	/** Reading cannot go on (a corrupt record was reported). */
	stop: 2,
} as const;

export type ParseStep = (typeof parseSteps)[keyof typeof parseSteps];

/** Where a parser reports what it skipped; `position` is the stream offset of the bad record. */
export interface ParseProblems {
	corrupt(position: number, detail: string): void;
	unsupportedBlock(): void;
}

export interface FormatParser {
	/** Bytes the record at the head of the queue needs in total (meaningful after `needMore`). */
	readonly pendingLength: number;
	next(queue: ChunkQueue, record: PacketRecord, problems: ParseProblems): ParseStep;
}
