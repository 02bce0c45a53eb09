// Monero P2P (epee Levin) on any port. The 8-byte signature is shared by every CryptoNote coin, so a
// header counts only when all of its 33 bytes are sound (sizes, command number, flags, protocol
// version) and the network is named from the handshake's `network_id`, never from the signature.
import type {FlowView, Side} from '../flows/flow-view.js';
import type {DetectContext, Detector, Finding, Stage} from './detector.js';
import {readU32LE} from './bitcoin-message.js';
import {FlowStates} from './flow-states.js';

const signature = [0x01, 0x21, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01];
const levinHeaderLength = 33;
/** A capture that joined mid-connection is searched this far for a header before giving up. */
const midStreamScanLimit = 4096;
/** LEVIN_DEFAULT_MAX_PACKET_SIZE: 100 MB. */
const maxBody = 100_000_000;
const portableStorageSignature = [0x01, 0x11, 0x01, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01];
/** P2P commands (base 1000) and cryptonote protocol commands (base 2000). */
const knownCommands = new Set([1001, 1002, 1003, 1004, 1005, 1006, 1007, 2001, 2002, 2003, 2004, 2006, 2007, 2008, 2009, 2010]);

const networkIdKey = Array.from('network_id', (character) => character.charCodeAt(0));
/** The first 15 bytes are common; the last byte names the network. */
const networkIdPrefix = [0x12, 0x30, 0xf1, 0x71, 0x61, 0x04, 0x41, 0x61, 0x17, 0x31, 0x00, 0x82, 0x16, 0xa1, 0xa1];
const moneroNetworks = new Map([[0x10, 'monero-mainnet'], [0x11, 'monero-testnet'], [0x12, 'monero-stagenet']]);

type Verdict = 'valid' | 'invalid' | undefined;

interface LevinState {
	sides: Record<Side, Verdict>;
	/**
	 * Mid-stream scans: where each side's next look starts. Bytes before it begin no header (the
	 * stream only grows, so a candidate found invalid stays invalid), so a scan never reads them again.
	 */
	scanFrom: Record<Side, number>;
	network?: string;
	/** Made once, when the handshake is first held. */
	stage?: Stage;
}

const states = new FlowStates<LevinState>();

export const moneroLevinDetector: Detector = {
	name: 'monero-levin',
	mayMatch(flow, _side, first) {
		return !flow.sawSyn || first[0] === signature[0];
	},
	inspectStream(flow, side, context) {
		let state = states.get(flow);
		if (state === undefined) {
			state = {sides: {client: undefined, server: undefined}, scanFrom: {client: 0, server: 0}};
			states.set(flow, state);
		}
		if (state.sides[side] === undefined) inspectSide(flow, side, state);
		const {client, server} = state.sides;
		if (client === 'valid' || server === 'valid') report(flow, state, context);
		if (client !== undefined && server !== undefined) {
			if (client === 'valid' || server === 'valid') context.settle(flow);
			return false;
		}
		return true;
	},
	release(flow) {
		states.delete(flow);
	},
};

function inspectSide(flow: FlowView, side: Side, state: LevinState): void {
	const stream = flow.stream(side);
	const header = findHeader(stream, flow.sawSyn, state.scanFrom, side);
	if (header === 'incomplete') return;
	if (header === 'invalid') {
		state.sides[side] = 'invalid';
		return;
	}
	state.sides[side] = 'valid';
	const bodyStart = header.at + levinHeaderLength;
	const body = stream.subarray(bodyStart, bodyStart + header.bodyLength);
	if (header.command === 1001 && startsWith(body, 0, portableStorageSignature)) state.network ??= networkOf(body);
}

function report(flow: FlowView, state: LevinState, context: DetectContext): void {
	context.setFamily(flow, 'monero-p2p');
	// The handshake's other half is moments away until both sides were read.
	if (state.sides.client === undefined || state.sides.server === undefined) context.hold(flow, state.stage ??= () => findingOf(flow, state));
	else context.report(flow, findingOf(flow, state));
}

function findingOf(flow: FlowView, state: LevinState): Finding {
	const both = state.sides.client === 'valid' && state.sides.server === 'valid';
	const evidence = [`content: Levin header with valid sizes, command and version${both ? ' from both sides' : ''}`];
	if (state.network !== undefined) evidence.push(`content: handshake network_id names ${state.network}`);
	return {
		kind: 'node',
		protocol: 'monero-p2p',
		actor: flow.sawSyn ? 'client' : flow.flights[0]?.side ?? 'client',
		certainty: state.network !== undefined ? 95 : both ? 90 : 80,
		evidence,
		network: state.network ?? 'cryptonote',
		peerListens: true,
	};
}

/**
 * The first Levin header: at the start of a connection seen from its SYN, else scanned for from
 * `scanFrom[side]`, which is moved past the candidates found invalid.
 */
function findHeader(stream: Uint8Array, fromStart: boolean, scanFrom: Record<Side, number>, side: Side): LevinHeader | 'incomplete' | 'invalid' {
	if (fromStart) return checkHeader(stream, 0);
	for (let at = stream.indexOf(signature[0]!, scanFrom[side]); at >= 0; at = stream.indexOf(signature[0]!, at + 1)) {
		const header = checkHeader(stream, at);
		if (header === 'invalid') continue;
		scanFrom[side] = at;
		return header;
	}
	scanFrom[side] = stream.length;
	return stream.length < midStreamScanLimit ? 'incomplete' : 'invalid';
}

interface LevinHeader {
	at: number;
	bodyLength: number;
	command: number;
}

function checkHeader(stream: Uint8Array, at: number): LevinHeader | 'incomplete' | 'invalid' {
	const available = Math.min(stream.length - at, signature.length);
	for (let index = 0; index < available; index++) if (stream[at + index] !== signature[index]) return 'invalid';
	if (stream.length - at < levinHeaderLength) return 'incomplete';
	const bodyLow = readU32LE(stream, at + 8);
	const bodyHigh = readU32LE(stream, at + 12);
	const haveToReturn = stream[at + 16]!;
	const command = readU32LE(stream, at + 17);
	const flags = readU32LE(stream, at + 25);
	const protocolVersion = readU32LE(stream, at + 29);
	const sound = bodyHigh === 0 && bodyLow <= maxBody && haveToReturn <= 1 && knownCommands.has(command) && flags !== 0 && (flags & ~0x0f) === 0 && protocolVersion === 1;
	return sound ? {at, bodyLength: bodyLow, command} : 'invalid';
}

/** Finds `network_id` (a 16-byte string field) in the handshake's portable-storage body. */
function networkOf(body: Uint8Array): string | undefined {
	for (let at = 0; at + networkIdKey.length + 18 <= body.length; at++) {
		if (body[at] !== networkIdKey.length || !startsWith(body, at + 1, networkIdKey)) continue;
		const valueAt = at + 1 + networkIdKey.length;
		// type 0x0a (string), varint length 16 << 2
		if (body[valueAt] !== 0x0a || body[valueAt + 1] !== 0x40) return undefined;
		const id = valueAt + 2;
		if (!startsWith(body, id, networkIdPrefix)) return 'cryptonote-other';
		return moneroNetworks.get(body[id + 15]!) ?? 'cryptonote-other';
	}
	return undefined;
}

function startsWith(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
	if (at + expected.length > bytes.length) return false;
	for (let index = 0; index < expected.length; index++) if (bytes[at + index] !== expected[index]) return false;
	return true;
}
