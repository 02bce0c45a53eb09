// Ethereum devp2p nodes (and every chain built on the same stack) by what the wire shows without
// keys. RLPx over TCP (ethereum/devp2p rlpx.md, EIP-8): the opener's auth and the listener's ack
// each start with a plaintext 2-byte size and then an ECIES ciphertext that opens with an
// uncompressed public key (0x04 and 64 random bytes); the sizes are fixed RLP bodies plus 100..300
// bytes of padding, and each side sends nothing else before its handshake packet is answered. After
// it every frame is a 32-byte header with its MAC, a body padded to 16 and a 16-byte MAC, so what a
// side sends adds up to a multiple of 16 whenever the other side speaks. Discovery v4 over UDP
// (devp2p discv4.md) heads every packet with the keccak256 hash of the rest, which proves the
// packet without any key. Discovery v5 is masked with the recipient's node ID, so only its fixed
// sizes show (a 63-byte WHOAREYOU answering a packet, then a handshake packet): weaker evidence that
// only adds to a discovery v4 finding on the same flow. The chain is in the encrypted Status
// message, so it is never named; 30303 is only the usual port.
import type {FlowView, Side} from '../flows/flow-view.js';
import type {DetectContext, Detector, Finding, Stage} from './detector.js';
import {otherSide} from './detector.js';
import {FlowStates} from './flow-states.js';
import {judgedBytes, looksRandom} from './fully-encrypted.js';
import {keccak256} from './keccak.js';

const sizePrefixBytes = 2;
/** ECIES: a 65-byte uncompressed ephemeral key, a 16-byte IV and a 32-byte MAC around the body. */
const eciesOverhead = 65 + 16 + 32;
const uncompressedKeyTag = 0x04;
/** rlp([signature 65, public key 64, nonce 32, version]) and rlp([public key 64, nonce 32, version]). */
const authBodyBytes = 169;
const ackBodyBytes = 102;
/** EIP-8: at least 100 bytes of padding, a random 100..300 recommended (geth: 100..299). */
const minPadding = 100;
const maxPadding = 300;
/** EIP-8 lets a newer version add list elements: its own test vectors add a few bytes. */
const addedElementsAllowance = 64;

interface Range {
	min: number;
	max: number;
}

function handshakeSizes(body: number): Range {
	return {min: eciesOverhead + body + minPadding, max: eciesOverhead + body + maxPadding + addedElementsAllowance};
}

const authSizes = handshakeSizes(authBodyBytes);
const ackSizes = handshakeSizes(ackBodyBytes);
const frameAlignment = 16;
/** A smaller frame cannot be: 16-byte header, its MAC, one padded block of body, the frame MAC. */
const smallestFrame = 64;
/** A misaligned total after this much of a burst may be a large frame cut by the other side's packet. */
const smallestMss = 536;
/** Aligned totals each side must show after the handshake. */
const alignedNeededEachSide = 1;

const devp2pPort = 30_303;
const unknownChain = 'devp2p';
const rlpxCertainty = 60;
const portCertainty = 10;

const hashBytes = 32;
const signatureBytes = 65;
const discv4TypeOffset = hashBytes + signatureBytes;
const discv4MaxPacket = 1280;
const discv4Types = ['ping', 'pong', 'findnode', 'neighbors', 'ENRRequest', 'ENRResponse'];
const rlpListStart = 0xc0;
const oneWayCertainty = 85;
const bothWaysCertainty = 90;
const discv5Certainty = 5;

/** discv5: masking IV (16), static header (23), source node ID (32), then the message and its 16-byte tag. */
const discv5WhoAreYouBytes = 63;
const discv5SmallestMessagePacket = 16 + 23 + 32 + 16 + 1;
/** A handshake packet's authdata is at least 131 bytes (node ID, sizes, signature, ephemeral key). */
const discv5SmallestHandshakePacket = 16 + 23 + 131 + 16 + 1;
/** UDP datagrams read without a discovery v4 packet before giving up on the flow. */
const maxDatagramsUnproven = 16;
/** Datagrams read after the proof, for discovery v5's sizes on the same socket. */
const maxDatagrams = 64;

interface RlpxState {
	kind: 'rlpx';
	/** Each side's handshake packet length, once it was complete and sound. */
	auth: number;
	ack: number;
	/** The side that sent last, and each side's stream length when it was last judged. */
	lastSide: Side;
	judgedAt: Record<Side, number>;
	aligned: Record<Side, number>;
	/** Misaligned totals let pass as a large frame cut short by the other side's packet. */
	cut: number;
}

interface DiscoveryState {
	kind: 'discovery';
	datagrams: number;
	/** The first discovery v4 packet type proven from each side. */
	proven: Record<Side, string | undefined>;
	firstProven?: Side;
	/** discv5's WHOAREYOU pattern: a message packet, the 63-byte answer, a handshake packet. */
	discv5Step: number;
	discv5Opener: Side;
	discv5Seen: boolean;
	stage?: Stage;
}

const states = new FlowStates<RlpxState | DiscoveryState>();

export const devp2pDetector: Detector = {
	name: 'devp2p',
	mayMatch(flow, side, first) {
		if (flow.transport === 'udp') return first.length >= discv5WhoAreYouBytes && first.length <= discv4MaxPacket;
		if (!flow.sawSyn || side !== 'client' || first.length < sizePrefixBytes) return false;
		return within(sizeOf(first), authSizes) && (first.length <= sizePrefixBytes || first[sizePrefixBytes] === uncompressedKeyTag);
	},
	inspectStream(flow, side, context) {
		const state = states.get(flow) ?? states.set(flow, newRlpxState());
		if (state.kind !== 'rlpx') return false;
		const stream = flow.stream(side);
		if (side === 'client' && state.ack === 0) {
			if (state.auth === 0) {
				const verdict = judgeHandshake(stream, authSizes, (bytes) => (state.auth = bytes));
				if (verdict !== 'sound') return verdict === 'incomplete';
			}
			// The opener cannot frame anything before the ack gives it the keys.
			return stream.length === state.auth;
		}
		const switched = side !== state.lastSide;
		state.lastSide = side;
		if (state.auth === 0) return false;
		if (side === 'server' && state.ack === 0) {
			const verdict = judgeHandshake(stream, ackSizes, (bytes) => (state.ack = bytes));
			if (verdict !== 'sound') return verdict === 'incomplete';
		}
		if (switched && !judgeFrames(flow, state, otherSide(side))) return false;
		return !reportIfShown(flow, state, context);
	},
	inspectDatagram(flow, side, payload, context) {
		const state = states.get(flow) ?? states.set(flow, newDiscoveryState());
		if (state.kind !== 'discovery') return false;
		state.datagrams++;
		const type = discv4TypeOf(payload);
		if (type !== undefined && state.proven[side] === undefined) {
			state.proven[side] = type;
			state.firstProven ??= side;
			if (state.proven[otherSide(side)] === undefined) {
				context.hold(flow, state.stage ??= () => discoveryFinding(flow, state));
			} else {
				context.report(flow, discoveryFinding(flow, state));
				// Settled, unless discovery v5 on the same socket may still add to it.
				if (state.discv5Seen) {
					context.settle(flow);
					return false;
				}
			}
		} else if (type === undefined && noteDiscv5(state, side, payload.length) && state.firstProven !== undefined) {
			context.report(flow, discoveryFinding(flow, state));
			context.settle(flow);
			return false;
		}
		return state.datagrams < (state.firstProven === undefined ? maxDatagramsUnproven : maxDatagrams);
	},
	flowEnded(flow, context) {
		const state = states.get(flow);
		if (state?.kind !== 'rlpx' || state.ack === 0) return;
		// Both sides' last totals are judged as if the other had spoken (an idle flow's: a closed one's
		// streams are gone by now).
		if (judgeFrames(flow, state, 'client') && judgeFrames(flow, state, 'server')) reportIfShown(flow, state, context);
	},
	release(flow) {
		states.delete(flow);
	},
};

function newRlpxState(): RlpxState {
	return {kind: 'rlpx', auth: 0, ack: 0, lastSide: 'client', judgedAt: {client: 0, server: 0}, aligned: {client: 0, server: 0}, cut: 0};
}

function newDiscoveryState(): DiscoveryState {
	return {kind: 'discovery', datagrams: 0, proven: {client: undefined, server: undefined}, discv5Step: 0, discv5Opener: 'client', discv5Seen: false};
}

function sizeOf(bytes: Uint8Array): number {
	return (bytes[0]! << 8) | bytes[1]!;
}

function within(value: number, range: Range): boolean {
	return value >= range.min && value <= range.max;
}

/**
 * A handshake packet at the start of `stream`: its size in range, the key tag, random-looking key
 * bytes. `complete` is told the packet's length once all of it is in.
 */
function judgeHandshake(stream: Uint8Array, sizes: Range, complete: (bytes: number) => void): 'sound' | 'incomplete' | 'unsound' {
	if (stream.length < sizePrefixBytes) return 'incomplete';
	const size = sizeOf(stream);
	if (!within(size, sizes)) return 'unsound';
	if (stream.length > sizePrefixBytes && stream[sizePrefixBytes] !== uncompressedKeyTag) return 'unsound';
	const keyStart = sizePrefixBytes + 1;
	if (stream.length < keyStart + judgedBytes) return 'incomplete';
	if (!looksRandom(stream.subarray(keyStart))) return 'unsound';
	const packet = sizePrefixBytes + size;
	if (stream.length < packet) return 'incomplete';
	complete(packet);
	return 'sound';
}

/** What `side` sent after its handshake packet, judged now that it stopped: frames add up to multiples of 16. */
function judgeFrames(flow: FlowView, state: RlpxState, side: Side): boolean {
	const total = flow.stream(side).length;
	if (total < state.judgedAt[side]) return true;
	const framed = total - (side === 'client' ? state.auth : state.ack);
	const burst = total - Math.max(state.judgedAt[side], side === 'client' ? state.auth : state.ack);
	state.judgedAt[side] = total;
	if (framed <= 0 || burst <= 0) return true;
	if (framed % frameAlignment === 0 && framed >= smallestFrame) {
		state.aligned[side]++;
		return true;
	}
	state.cut++;
	return burst >= smallestMss;
}

function reportIfShown(flow: FlowView, state: RlpxState, context: DetectContext): boolean {
	const {client, server} = state.aligned;
	// Random data passes one total in 16: a flow of cut frames must show more aligned totals than cut ones.
	if (client < alignedNeededEachSide || server < alignedNeededEachSide || client + server <= state.cut) return false;
	context.report(flow, rlpxFinding(flow, state));
	context.settle(flow);
	return true;
}

function rlpxFinding(flow: FlowView, state: RlpxState): Finding {
	const evidence = [
		`shape: RLPx handshake: a ${state.auth}-byte auth from ${flow.clientAddress} answered by a ${state.ack}-byte ack, each a plaintext 2-byte size and an ECIES ciphertext opening with an uncompressed key (EIP-8)`,
		`shape: then ${state.aligned.client + state.aligned.server} bursts of RLPx frames, each side's total a multiple of 16 bytes`,
	];
	const onPort = flow.serverPort === devp2pPort;
	if (onPort) evidence.push(`port: ${devp2pPort} is the devp2p port`);
	return {kind: 'node', protocol: 'devp2p', actor: 'client', certainty: rlpxCertainty + (onPort ? portCertainty : 0), evidence, network: unknownChain, peerListens: true};
}

/** The packet's type name when its first 32 bytes are the keccak256 of the rest. */
function discv4TypeOf(payload: Uint8Array): string | undefined {
	if (payload.length <= discv4TypeOffset + 1 || payload.length > discv4MaxPacket) return undefined;
	const type = discv4Types[payload[discv4TypeOffset]! - 1];
	if (type === undefined || payload[discv4TypeOffset + 1]! < rlpListStart) return undefined;
	// The signature's last byte is its recovery id, 0 or 1: with the type and the RLP list it leaves
	// one random datagram in 20,000 to hash, where the hash alone was most of detection's UDP cost.
	if (payload[discv4TypeOffset - 1]! > 1) return undefined;
	const hash = keccak256(payload.subarray(hashBytes));
	for (let index = 0; index < hashBytes; index++) if (hash[index] !== payload[index]) return undefined;
	return type;
}

/** Follows discv5's WHOAREYOU exchange by sizes; true once it completed. */
function noteDiscv5(state: DiscoveryState, side: Side, bytes: number): boolean {
	if (state.discv5Step === 1 && side !== state.discv5Opener && bytes === discv5WhoAreYouBytes) {
		state.discv5Step = 2;
		return false;
	}
	if (state.discv5Step === 2 && side === state.discv5Opener && bytes >= discv5SmallestHandshakePacket) {
		state.discv5Seen = true;
		state.discv5Step = 0;
		return true;
	}
	state.discv5Step = bytes >= discv5SmallestMessagePacket ? 1 : 0;
	state.discv5Opener = side;
	return false;
}

function discoveryFinding(flow: FlowView, state: DiscoveryState): Finding {
	const actor = state.firstProven ?? 'client';
	const peer = otherSide(actor);
	const address = (side: Side): string => (side === 'client' ? flow.clientAddress : flow.serverAddress);
	const evidence = [`content: discovery v4 ${state.proven[actor]} from ${address(actor)}: its first 32 bytes are the keccak256 hash of the rest`];
	const answered = state.proven[peer];
	if (answered !== undefined) evidence.push(`content: discovery v4 ${answered} from ${address(peer)}, hash checked too: both ends run discovery`);
	if (state.discv5Seen) evidence.push('shape: discovery v5 on the same socket: a 63-byte WHOAREYOU answering a packet, then a handshake packet');
	if (flow.serverPort === devp2pPort || flow.clientPort === devp2pPort) evidence.push(`port: ${devp2pPort} is the devp2p port`);
	return {
		kind: 'node',
		protocol: 'devp2p',
		actor,
		certainty: (answered === undefined ? oneWayCertainty : bothWaysCertainty) + (state.discv5Seen ? discv5Certainty : 0),
		evidence,
		network: unknownChain,
		peerListens: answered !== undefined,
	};
}
