// A DNS message read just far enough for detection: the question name and the A/AAAA answers.
import {formatIpv4, formatIpv6} from '../decode/ip-address-text.js';

export interface DnsMessage {
	id: number;
	isResponse: boolean;
	/** Lower-case, without the trailing dot; bytes outside printable ASCII kept as latin1 characters. */
	question: string;
	/** A and AAAA answer addresses in text form. */
	addresses: string[];
}

const typeA = 1;
const typeAaaa = 28;
const maxAnswers = 32;

/** Undefined unless the bytes are a well-formed DNS message with exactly one question. */
export function parseDnsMessage(bytes: Uint8Array): DnsMessage | undefined {
	if (bytes.length < 12) return undefined;
	const id = (bytes[0]! << 8) | bytes[1]!;
	const flags = (bytes[2]! << 8) | bytes[3]!;
	const opcode = (flags >> 11) & 0x0f;
	const questions = (bytes[4]! << 8) | bytes[5]!;
	const answers = (bytes[6]! << 8) | bytes[7]!;
	if (questions !== 1 || opcode > 2) return undefined;
	const name = readName(bytes, 12);
	if (name === undefined || name.end + 4 > bytes.length) return undefined;
	const message: DnsMessage = {id, isResponse: (flags & 0x8000) !== 0, question: name.text, addresses: []};
	let at = name.end + 4;
	for (let index = 0; index < Math.min(answers, maxAnswers); index++) {
		const owner = readName(bytes, at);
		if (owner === undefined || owner.end + 10 > bytes.length) break;
		at = owner.end;
		const type = (bytes[at]! << 8) | bytes[at + 1]!;
		const length = (bytes[at + 8]! << 8) | bytes[at + 9]!;
		at += 10;
		if (at + length > bytes.length) break;
		if (type === typeA && length === 4) {
			message.addresses.push(formatIpv4(((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0));
		} else if (type === typeAaaa && length === 16) {
			message.addresses.push(formatIpv6(word(bytes, at), word(bytes, at + 4), word(bytes, at + 8), word(bytes, at + 12)));
		}
		at += length;
	}
	return message;
}

function word(bytes: Uint8Array, at: number): number {
	return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** A possibly compressed name; `end` is where the record continues after it. */
function readName(bytes: Uint8Array, start: number): {text: string; end: number} | undefined {
	let text = '';
	let at = start;
	let end = -1;
	for (let jumps = 0; jumps < 64; ) {
		if (at >= bytes.length) return undefined;
		const length = bytes[at]!;
		if (length === 0) {
			if (end < 0) end = at + 1;
			return text.length <= 253 ? {text: text.toLowerCase(), end} : undefined;
		}
		if ((length & 0xc0) === 0xc0) {
			if (at + 1 >= bytes.length) return undefined;
			if (end < 0) end = at + 2;
			at = ((length & 0x3f) << 8) | bytes[at + 1]!;
			jumps++;
			continue;
		}
		if ((length & 0xc0) !== 0 || at + 1 + length > bytes.length) return undefined;
		if (text.length > 0) text += '.';
		for (let index = at + 1; index <= at + length; index++) text += String.fromCharCode(bytes[index]!);
		if (text.length > 253) return undefined;
		at += 1 + length;
	}
	return undefined;
}
