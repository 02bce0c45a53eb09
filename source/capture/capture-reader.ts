// A pull-style reader for pcap and pcapng bytes: append chunks as they arrive, take packets when
// wanted (the replay pacer holds one until its time). Packets are parsed in place and handed out in
// one reused record, so reading allocates nothing per packet.
import {readUint32} from './byte-order.js';
import {ByteQueue, parseSteps, type FormatParser, type ParseProblems} from './format-parser.js';
import type {PacketRecord} from '../decode/packet-record.js';
import {isPcapMagic, PcapParser} from './pcap-format.js';
import {PcapngParser, sectionHeaderBlockType} from './pcapng-format.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {packet: stepPacket, stop: stepStop} = parseSteps;

export class NotACaptureError extends Error {
	override name = 'NotACaptureError';
}

export interface CaptureReaderStats {
	format?: 'pcap' | 'pcapng';
	packets: number;
	/** Captured packet bytes handed out. */
	bytes: number;
	truncated: number;
	corrupt: number;
	unsupportedBlocks: number;
}

const magicLength = 4;

export class CaptureReader {
	readonly stats: CaptureReaderStats = {packets: 0, bytes: 0, truncated: 0, corrupt: 0, unsupportedBlocks: 0};

	private readonly queue: ByteQueue;
	private readonly record: PacketRecord = {linkType: 0, timestampMicros: 0, data: new Uint8Array(0), offset: 0, capturedLength: 0, originalLength: 0};
	private parser: FormatParser | undefined;
	private finished = false;
	private stopped = false;
	private failure: NotACaptureError | undefined;
	private firstProblem: string | undefined;
	private readonly problems: ParseProblems = {
		corrupt: (position, detail) => {
			this.stats.corrupt++;
			this.firstProblem ??= `${this.sourceName}: corrupt ${this.stats.format ?? 'capture'} data at byte ${position} (${detail}); packets before it were kept`;
		},
		unsupportedBlock: () => {
			this.stats.unsupportedBlocks++;
		},
	};

	/** `releaseChunk` hears of each appended chunk once the reader is done with its bytes (CaptureInput.releaseChunk). */
	constructor(private readonly sourceName: string, releaseChunk?: (chunk: Uint8Array) => void) {
		this.queue = new ByteQueue(releaseChunk);
	}

	/** True once no further packet can come: input finished and drained, or reading stopped at a corrupt record. */
	get done(): boolean {
		return this.stopped;
	}

	/** One line about the first problem met (truncated last record, corrupt block), for the end record. */
	get warning(): string | undefined {
		return this.firstProblem;
	}

	/** Input bytes received but not yet read; the pump pauses its source when this grows large. */
	get bufferedBytes(): number {
		return this.queue.available;
	}

	append(chunk: Uint8Array): void {
		if (!this.stopped) this.queue.append(chunk);
	}

	/** No more input: once the buffered packets are read, a partial trailing record counts as truncated. */
	finish(): void {
		this.finished = true;
	}

	/**
	 * The next packet (the same record object each time, its bytes valid until the next call), or
	 * undefined when more input is needed or the input is exhausted.
	 * @throws NotACaptureError when the input starts with neither a pcap nor a pcapng header.
	 */
	next(): PacketRecord | undefined {
		if (this.failure !== undefined) throw this.failure;
		if (this.stopped) return undefined;
		if (this.parser === undefined && !this.detectFormat()) return undefined;
		// The record handed out last is invalid from here on, and with it the chunks read past.
		this.queue.releaseRead();
		const step = this.parser!.next(this.queue, this.record, this.problems);
		if (step === stepPacket) {
			this.stats.packets++;
			this.stats.bytes += this.record.capturedLength;
			return this.record;
		}
		if (step === stepStop) this.stop();
		else if (this.finished) this.endOfInput();
		return undefined;
	}

	private detectFormat(): boolean {
		if (!this.queue.ensure(magicLength)) {
			if (this.finished) this.fail(this.queue.available === 0 ? 'it is empty' : `it holds only ${this.queue.available} bytes`);
			return false;
		}
		const firstWord = readUint32(this.queue.view, this.queue.viewOffset, true);
		if (firstWord === sectionHeaderBlockType) {
			this.stats.format = 'pcapng';
			this.parser = new PcapngParser();
		} else if (isPcapMagic(firstWord)) {
			this.stats.format = 'pcap';
			this.parser = new PcapParser();
		} else {
			const hex = firstWord.toString(16).padStart(8, '0').replace(/(..)(?!$)/g, '$1 ');
			this.fail(`it starts with bytes ${hex}`);
		}
		return true;
	}

	private fail(problem: string): never {
		this.failure = new NotACaptureError(`${this.sourceName}: not a pcap or pcapng capture (${problem})`);
		throw this.failure;
	}

	private endOfInput(): void {
		const remaining = this.queue.available;
		// A file cut inside its header holds no capture to read, not a capture cut short.
		if (remaining > 0 && this.parser!.inFileHeader) this.fail(`it ends inside its ${this.stats.format} file header, after ${remaining} bytes`);
		if (remaining > 0) {
			this.stats.truncated++;
			this.firstProblem ??= `${this.sourceName}: capture ends inside a record (${remaining} of ${this.parser!.pendingLength} bytes); packets before it were kept`;
		}
		this.stop();
	}

	private stop(): void {
		this.stopped = true;
		this.queue.clear();
	}
}
