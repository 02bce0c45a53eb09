// A DNS message read just far enough for detection: the question name and the A/AAAA answers.
// One message object is filled per parse and reused (a resolver's traffic is one parse per packet).
import {formatIpv6} from '../decode/ip-address-text.js';

export interface DnsMessage {
	id: number;
	isResponse: boolean;
	/** The question name, lower-case, without the trailing dot, as bytes (each one a latin1 character). */
	readonly question: Uint8Array;
	questionLength: number;
	/**
	 * The A and AAAA answers in the order of the message: an A answer as its 32-bit value, an AAAA
	 * answer as -(i + 1) for its text `ipv6[i]` (numbers in a typed array: none of them boxed).
	 */
	readonly answers: Float64Array;
	answerCount: number;
	readonly ipv6: string[];
}

const typeA = 1;
const typeAaaa = 28;
const maxAnswers = 32;
const maxNameLength = 253;

const message: DnsMessage = {
	id: 0,
	isResponse: false,
	question: new Uint8Array(maxNameLength + 1),
	questionLength: 0,
	answers: new Float64Array(maxAnswers),
	answerCount: 0,
	ipv6: [],
};

/**
 * Undefined unless the bytes are a well-formed DNS message with exactly one question. The message
 * returned is valid until the next call.
 */
export function parseDnsMessage(bytes: Uint8Array): DnsMessage | undefined {
	if (bytes.length < 12) return undefined;
	const flags = (bytes[2]! << 8) | bytes[3]!;
	const opcode = (flags >> 11) & 0x0f;
	const questions = (bytes[4]! << 8) | bytes[5]!;
	const answers = (bytes[6]! << 8) | bytes[7]!;
	if (questions !== 1 || opcode > 2) return undefined;
	const questionEnd = readName(bytes, 12, message.question);
	if (questionEnd < 0 || questionEnd + 4 > bytes.length) return undefined;
	message.id = (bytes[0]! << 8) | bytes[1]!;
	message.isResponse = (flags & 0x8000) !== 0;
	message.questionLength = nameLength;
	message.answerCount = 0;
	// Setting an array's length is a runtime call even when it changes nothing.
	if (message.ipv6.length > 0) message.ipv6.length = 0;
	let at = questionEnd + 4;
	for (let index = 0; index < Math.min(answers, maxAnswers); index++) {
		const ownerEnd = readName(bytes, at, undefined);
		if (ownerEnd < 0 || ownerEnd + 10 > bytes.length) break;
		at = ownerEnd;
		const type = (bytes[at]! << 8) | bytes[at + 1]!;
		const length = (bytes[at + 8]! << 8) | bytes[at + 9]!;
		at += 10;
		if (at + length > bytes.length) break;
		if (type === typeA && length === 4) {
			message.answers[message.answerCount++] = word(bytes, at);
		} else if (type === typeAaaa && length === 16) {
			message.ipv6.push(formatIpv6(word(bytes, at), word(bytes, at + 4), word(bytes, at + 8), word(bytes, at + 12)));
			message.answers[message.answerCount++] = -message.ipv6.length;
		}
		at += length;
	}
	return message;
}

function word(bytes: Uint8Array, at: number): number {
	return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** The length of the last name read. */
let nameLength = 0;

/**
 * Reads a possibly compressed name, lower-cased into `into` when given (owner names are only
 * skipped); returns where the record continues after it, or -1.
 */
function readName(bytes: Uint8Array, start: number, into: Uint8Array | undefined): number {
	let length = 0;
	let at = start;
	let end = -1;
	for (let jumps = 0; jumps < 64; ) {
		if (at >= bytes.length) return -1;
		const labelLength = bytes[at]!;
		if (labelLength === 0) {
			if (end < 0) end = at + 1;
			nameLength = length;
			return end;
		}
		if ((labelLength & 0xc0) === 0xc0) {
			if (at + 1 >= bytes.length) return -1;
			if (end < 0) end = at + 2;
			at = ((labelLength & 0x3f) << 8) | bytes[at + 1]!;
			jumps++;
			continue;
		}
		if ((labelLength & 0xc0) !== 0 || at + 1 + labelLength > bytes.length) return -1;
		if (length > 0) {
			if (into !== undefined) into[length] = 0x2e;
			length++;
		}
		if (length + labelLength > maxNameLength) return -1;
		if (into !== undefined) for (let index = at + 1; index <= at + labelLength; index++) into[length + index - at - 1] = lowerCase(bytes[index]!);
		length += labelLength;
		at += 1 + labelLength;
	}
	return -1;
}

/** What `toLowerCase` does to a latin1 character: A-Z and À-Þ (but ×) move up by 0x20. */
function lowerCase(byte: number): number {
	return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0xc0 && byte <= 0xde && byte !== 0xd7) ? byte | 0x20 : byte;
}
