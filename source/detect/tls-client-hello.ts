// TLS ClientHello: the SNI names the server. A pool name in it is a pool lookup; a ClientHello with
// no SNI to an address a pool name resolved to is mining (XMRig sends no SNI by default, browsers
// always do). The rest of a TLS flow is opaque, so the flow is settled after the ClientHello,
// unless it offers no ALPN and names nothing or a pool (XMRig with `"sni": true`): that is left
// to the Stratum-over-TLS shape.
import type {FlowView} from '../flows/flow-view.js';
import type {DetectContext, Detector} from './detector.js';

const handshakeRecord = 0x16;
const clientHelloType = 1;
const sniExtension = 0;
const alpnExtension = 16;
/** A ClientHello is rarely above 2 KB; post-quantum key shares push some to ~1.8 KB, so allow 16 KB. */
const maxClientHello = 16_384;
/** TLSCiphertext's limit, 2^14 + 2048. */
const maxRecord = 18_432;

export const tlsClientHelloDetector: Detector = {
	name: 'tls-client-hello',
	mayMatch(_flow, side, first) {
		return side === 'server' || first[0] === handshakeRecord;
	},
	inspectStream(flow, side, context) {
		if (side !== 'client') return flow.stream('client').length === 0;
		const hello = readClientHello(flow.stream('client'));
		if (hello === 'incomplete') return true;
		if (hello === 'invalid') return false;
		judge(flow, hello, context);
		if (!leftToShape(flow, hello, context)) context.settle(flow);
		return false;
	},
};

function judge(flow: FlowView, hello: ClientHello, context: DetectContext): void {
	if (hello.nameStart >= 0) {
		const name = context.nameIn(hello.bytes, hello.nameStart, hello.nameEnd, 'utf-8');
		const serverIpv4 = flow.ipv4('server');
		context.learnName(serverIpv4 >= 0 ? serverIpv4 : flow.serverAddress, name);
		const {display, match} = name;
		if (match?.kind === 'pool') {
			context.setFamily(flow, 'pool-tls');
			context.report(flow, {
				kind: 'pool-lookup',
				protocol: 'tls',
				actor: 'client',
				certainty: 60,
				evidence: [`reputation: TLS server name ${display} is a ${match.service} (${match.entry})`],
				peerName: display,
				tentative: true,
			});
		}
		return;
	}
	const server = flow.serverAddress;
	const poolName = context.poolNameOf(server);
	if (poolName === undefined) return;
	context.setFamily(flow, 'pool-tls');
	context.report(flow, {
		kind: 'mining',
		protocol: 'tls',
		actor: 'client',
		certainty: 60,
		evidence: [
			hello.alpn ? 'shape: TLS ClientHello without a server name (stratum+ssl miners, unlike browsers)' : namelessHelloEvidence,
			`reputation: ${server} is mining pool ${poolName}`,
		],
		peerName: poolName,
	});
}

/** Where the server name is (`nameStart` -1: none): in the stream, or in a copy of a hello split across records. */
export interface ClientHello {
	bytes: Uint8Array;
	nameStart: number;
	nameEnd: number;
	/** It offers application protocols (ALPN), as browsers and apps do and stratum+ssl miners do not. */
	alpn: boolean;
}

/** What a ClientHello naming nothing shows, in the words of every detector that reports one. */
export const namelessHelloEvidence = 'shape: TLS ClientHello without a server name or ALPN (stratum+ssl miners, unlike browsers and apps)';

/**
 * No application protocol (browsers and apps always offer one), and no server name or a pool's
 * (its name is learned before this is asked): the Stratum-over-TLS shape may still show mining.
 */
export function leftToShape(flow: FlowView, hello: ClientHello, context: DetectContext): boolean {
	return !hello.alpn && (hello.nameStart < 0 || context.poolNameOf(flow.serverAddress) !== undefined);
}

/** The SNI and ALPN of the ClientHello at the start of `stream`, which may span several records. */
export function readClientHello(stream: Uint8Array): ClientHello | 'incomplete' | 'invalid' {
	if (stream.length < 6) return stream.length === 0 || stream[0] === handshakeRecord ? 'incomplete' : 'invalid';
	if (stream[0] !== handshakeRecord || stream[1] !== 0x03 || stream[2]! > 0x04) return 'invalid';
	if (stream[5] !== clientHelloType) return 'invalid';
	// Nearly every ClientHello fits its first record: read it in place, with no copy or view.
	const recordLength = (stream[3]! << 8) | stream[4]!;
	if (recordLength >= 4 && recordLength <= maxRecord && 5 + recordLength <= stream.length) {
		const needed = 4 + ((stream[6]! << 16) | (stream[7]! << 8) | stream[8]!);
		if (needed <= recordLength) return needed > maxClientHello ? 'invalid' : parseClientHello(stream, 5, 5 + needed);
	}
	const handshake = gatherHandshake(stream);
	if (typeof handshake === 'string') return handshake;
	return parseClientHello(handshake, 0, handshake.length);
}

/** Concatenates handshake-record fragments until the first handshake message is complete. */
function gatherHandshake(stream: Uint8Array): Uint8Array | 'incomplete' | 'invalid' {
	const fragments: Uint8Array[] = [];
	let gathered = 0;
	let needed = -1;
	let at = 0;
	while (needed < 0 || gathered < needed) {
		if (at + 5 > stream.length) return 'incomplete';
		if (stream[at] !== handshakeRecord) return 'invalid';
		const length = (stream[at + 3]! << 8) | stream[at + 4]!;
		if (length === 0 || length > maxRecord) return 'invalid';
		if (at + 5 + length > stream.length) return 'incomplete';
		fragments.push(stream.subarray(at + 5, at + 5 + length));
		gathered += length;
		at += 5 + length;
		if (needed < 0 && gathered >= 4) {
			const first = fragments.length === 1 ? fragments[0]! : concat(fragments, gathered);
			needed = 4 + ((first[1]! << 16) | (first[2]! << 8) | first[3]!);
			if (needed > maxClientHello) return 'invalid';
		}
	}
	return fragments.length === 1 ? fragments[0]!.subarray(0, needed) : concat(fragments, gathered).subarray(0, needed);
}

function concat(fragments: Uint8Array[], total: number): Uint8Array {
	const joined = new Uint8Array(total);
	let offset = 0;
	for (const fragment of fragments) {
		joined.set(fragment, offset);
		offset += fragment.length;
	}
	return joined;
}

/** The ClientHello handshake message in hello[start, end). */
function parseClientHello(hello: Uint8Array, start: number, end: number): ClientHello | 'invalid' {
	// type 1, length 3, version 2, random 32
	let at = start + 38;
	if (at + 1 > end) return 'invalid';
	at += 1 + hello[at]!;
	if (at + 2 > end) return 'invalid';
	at += 2 + ((hello[at]! << 8) | hello[at + 1]!);
	if (at + 1 > end) return 'invalid';
	at += 1 + hello[at]!;
	const found: ClientHello = {bytes: hello, nameStart: -1, nameEnd: -1, alpn: false};
	if (at === end) return found;
	if (at + 2 > end) return 'invalid';
	const extensionsEnd = at + 2 + ((hello[at]! << 8) | hello[at + 1]!);
	if (extensionsEnd > end) return 'invalid';
	at += 2;
	while (at + 4 <= extensionsEnd) {
		const type = (hello[at]! << 8) | hello[at + 1]!;
		const length = (hello[at + 2]! << 8) | hello[at + 3]!;
		at += 4;
		if (at + length > extensionsEnd) return 'invalid';
		if (type === sniExtension && found.nameStart < 0) readServerName(hello, at, at + length, found);
		else if (type === alpnExtension) found.alpn = length > 2;
		at += length;
	}
	return found;
}

/** The first host_name entry of the server_name extension in hello[start, end), if well formed. */
function readServerName(hello: Uint8Array, start: number, end: number, found: ClientHello): void {
	if (end - start < 5 || hello[start + 2] !== 0) return;
	const length = (hello[start + 3]! << 8) | hello[start + 4]!;
	if (start + 5 + length > end || length === 0) return;
	found.nameStart = start + 5;
	found.nameEnd = start + 5 + length;
}
