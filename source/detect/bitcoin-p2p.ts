// Bitcoin-family P2P (v1 framing) on any port. A message counts only when its header holds: known
// network magic, known NUL-padded command, length within the chain's cap and a matching double-SHA-256
// checksum. The `version` message names the software, services and height; the side that sent the
// first message opened the connection, so the other side is a listening node. The verdict is settled
// at the handshake; the flow is then read on a little for the addresses it relays with NODE_P2P_V2
// (`addr`, `addrv2`), which later v2-shaped flows to them lean on.
import type {FlowView, Side} from '../flows/flow-view.js';
import {toDisplay} from '../model/sanitize.js';
import {otherSide, type DetectContext, type Detector, type Finding, type Stage} from './detector.js';
import {checkMessage, headerLength, isMagicAt, magicBytePositions, parseVersion, readU32LE, type BitcoinMessage, type VersionInfo} from './bitcoin-message.js';
import {parseAddr, parseAddrv2} from './bitcoin-addr.js';
import {refineNetwork, serviceBits} from './bitcoin-networks.js';
import {FlowStates} from './flow-states.js';

/**
 * A capture that joined mid-connection is searched this far for a message boundary. Past it the
 * flow is most likely inside a large block transfer; the node's other connections still show it.
 */
const midStreamScanLimit = 8192;
/** Checksummed messages verified per direction before the flow is considered known. */
const messagesPerSide = 4;
/**
 * After the verdict, messages read per direction for relayed addresses: enough for a node's
 * handshake extras, its self-announcement and the answer to `getaddr`, which follow within seconds.
 */
const readOnMessagesPerSide = 32;
/** Nor past this many bytes of a direction (the default --payload-bytes): a block transfer is not waited for. */
const readOnBytesPerSide = 16_384;
/** BIP324's service bit: the node also speaks the encrypted v2 transport. */
const nodeP2pV2 = 0x800;

interface DirectionState {
	/** Where the next message starts, once synchronised to message boundaries. */
	offset: number;
	synced: boolean;
	/** No Bitcoin message will be found in this direction. */
	rejected: boolean;
	/** Enough read for the verdict, or the stream stopped making sense after valid messages. */
	finished: boolean;
	/** Nothing further is read: an invalid message came, or (reading on) the next one ends past the budget. */
	closed: boolean;
	verified: number;
	network?: string;
	/** What this side's `version` said (its text is made only for a finding). */
	version?: AnnouncedVersion;
}

interface AnnouncedVersion {
	protocolVersion: number;
	servicesLow: number;
	startHeight: number;
	/** The user agent through `toDisplay`. */
	agent: string | undefined;
}

interface BitcoinState {
	sides: Record<Side, DirectionState>;
	/** Made once, when the handshake is first held. */
	stage?: Stage;
}

const states = new FlowStates<BitcoinState>();

function newDirection(): DirectionState {
	return {offset: 0, synced: false, rejected: false, finished: false, closed: false, verified: 0};
}

export const bitcoinP2pDetector: Detector = {
	name: 'bitcoin-p2p',
	mayMatch(flow, _side, first) {
		return !flow.sawSyn || isMagicAt(first, 0);
	},
	inspectStream(flow, side, context) {
		let state = states.get(flow);
		if (state === undefined) {
			state = {sides: {client: newDirection(), server: newDirection()}};
			states.set(flow, state);
		}
		const direction = state.sides[side];
		if (!direction.rejected && !direction.finished) readMessages(flow, side, direction, context, 'verdict');
		const {client, server} = state.sides;
		const bothKnown = client.verified > 0 && server.verified > 0 && (client.verified >= 2 || client.version !== undefined) && (server.verified >= 2 || server.version !== undefined);
		if (client.verified + server.verified > 0) {
			context.setFamily(flow, 'bitcoin-p2p');
			// Until both sides are known the handshake is still under way.
			if (bothKnown) context.report(flow, findingOf(flow, state));
			else context.hold(flow, state.stage ??= () => findingOf(flow, state));
		}
		if (bothKnown || client.finished || server.finished) {
			context.settle(flow);
			// What came behind the verdict's messages is read on now; a side with none verified yet waits
			// (the stage still to be raised counts its messages).
			if (direction.verified > 0 && readsOn(direction)) readMessages(flow, side, direction, context, 'read-on');
			return readsOn(client) || readsOn(server);
		}
		return !(client.rejected && server.rejected);
	},
	readSettled(flow, side, context) {
		const state = states.get(flow);
		if (state === undefined) return false;
		if (readsOn(state.sides[side])) readMessages(flow, side, state.sides[side], context, 'read-on');
		return readsOn(state.sides.client) || readsOn(state.sides.server);
	},
	release(flow) {
		states.delete(flow);
	},
};

/** The direction reads on after the verdict (or would, once settled). */
function readsOn(direction: DirectionState): boolean {
	return !direction.rejected && !direction.closed && direction.verified < readOnMessagesPerSide;
}

/** Reads `side`'s messages: those the verdict counts, or those after it within the read-on budget. */
function readMessages(flow: FlowView, side: Side, direction: DirectionState, context: DetectContext, phase: 'verdict' | 'read-on'): void {
	const forVerdict = phase === 'verdict';
	const limit = forVerdict ? messagesPerSide : readOnMessagesPerSide;
	const stream = flow.stream(side);
	if (!direction.synced && !synchronise(flow, stream, direction)) return;
	while (direction.verified < limit && !direction.closed) {
		const message = checkMessage(stream, direction.offset);
		if (message === 'incomplete') {
			if (!forVerdict && stream.length - direction.offset >= headerLength && direction.offset + headerLength + readU32LE(stream, direction.offset + 16) > readOnBytesPerSide) direction.closed = true;
			return;
		}
		if (message === 'invalid') {
			// An unknown command or a stream that never was Bitcoin: nothing more to read here.
			if (direction.verified === 0) direction.rejected = true;
			else direction.finished = true;
			direction.closed = true;
			return;
		}
		direction.verified++;
		if (forVerdict) direction.network ??= message.network.label;
		// Reading on leaves what the verdict said as it was: only relayed addresses are taken.
		if (forVerdict && message.command === 'version' && direction.version === undefined) {
			const version = parseVersion(stream, message.payloadStart, message.payloadStart + message.payloadLength);
			if (version !== undefined) direction.version = announced(version);
			if (version !== undefined && (version.servicesLow & nodeP2pV2) !== 0) context.noteAdvertisesV2(addressOf(flow, side));
		} else if (message.command === 'addr' || message.command === 'addrv2') {
			noteRelayedV2(stream, message, addressOf(flow, side), context);
		}
		direction.offset = message.end;
		if (direction.verified >= messagesPerSide) direction.finished = true;
	}
}

/** Each IPv4 or IPv6 address and port the message relays with NODE_P2P_V2. */
function noteRelayedV2(stream: Uint8Array, message: BitcoinMessage, by: string, context: DetectContext): void {
	const command = message.command === 'addr' ? 'addr' : 'addrv2';
	const end = message.payloadStart + message.payloadLength;
	const entries = command === 'addr' ? parseAddr(stream, message.payloadStart, end) : parseAddrv2(stream, message.payloadStart, end);
	for (const entry of entries ?? []) {
		if ((entry.servicesLow & nodeP2pV2) !== 0) context.noteV2Advertisement(entry.address, entry.port, {by, command, network: message.network.label});
	}
}

/**
 * Finds the first message boundary. A connection seen from its SYN starts on one; a capture that
 * joined mid-connection is scanned for a magic that begins a valid message.
 */
function synchronise(flow: FlowView, stream: Uint8Array, direction: DirectionState): boolean {
	if (flow.sawSyn) {
		// The first message starts the stream; the reading loop checks it (once: checksums cost).
		direction.synced = true;
		return true;
	}
	const limit = Math.min(stream.length, midStreamScanLimit);
	for (let at = nextMagic(stream, direction.offset, limit); at >= 0; at = nextMagic(stream, at + 1, limit)) {
		const candidate = checkMessage(stream, at);
		if (candidate === 'invalid') continue;
		direction.offset = at;
		direction.synced = candidate !== 'incomplete';
		return direction.synced;
	}
	direction.offset = Math.max(direction.offset, limit - 3);
	if (stream.length >= midStreamScanLimit) direction.rejected = true;
	return false;
}

/**
 * The first offset in [from, limit - 4] where a known magic starts, or -1. It reads every fourth
 * byte: each start s has exactly one probe in [s, s + 3], and the probe's byte, as byte i of a magic,
 * names the candidate start probe - i. Candidates come in increasing order, so the first found is the
 * first there is. A loop of its own, small and the same for every stream, so it is optimized early
 * and once, apart from the checks of the rare candidates.
 */
function nextMagic(stream: Uint8Array, from: number, limit: number): number {
	for (let probe = from + 3; probe < limit; probe += 4) {
		const positions = magicBytePositions[stream[probe]!]!;
		if (positions === 0) continue;
		for (let index = 3; index >= 0; index--) {
			const start = probe - index;
			if (((positions >> index) & 1) !== 0 && start + 4 <= limit && isMagicAt(stream, start)) return start;
		}
	}
	return -1;
}

/** What the handshake shows so far: messages from both sides make the connection certain. */
function findingOf(flow: FlowView, state: BitcoinState): Finding {
	const {client, server} = state.sides;
	const initiator = initiatorOf(flow);
	const responder = otherSide(initiator);
	const agents = {client: client.version?.agent, server: server.version?.agent};
	const network = refineNetwork(client.network ?? server.network ?? 'bitcoin-mainnet', agents.client ?? agents.server);
	const evidence: string[] = [];
	for (const side of [initiator, responder]) {
		if (state.sides[side].verified > 0) evidence.push(`content: ${network} P2P messages with valid checksums from ${addressOf(flow, side)}`);
	}
	for (const side of [initiator, responder]) {
		const version = state.sides[side].version;
		if (version) evidence.push(`content: ${addressOf(flow, side)} ${describeVersion(version)}`);
	}
	return {
		kind: 'node',
		protocol: 'bitcoin-p2p',
		actor: initiator,
		certainty: client.verified > 0 && server.verified > 0 ? 98 : 90,
		evidence,
		network,
		agent: agents[initiator],
		peerAgent: agents[responder],
		peerListens: true,
	};
}

/** The side that spoke first opened the connection (v1 initiators send `version` first). */
function initiatorOf(flow: FlowView): Side {
	if (flow.sawSyn) return 'client';
	return flow.flights[0]?.side ?? 'client';
}

function addressOf(flow: FlowView, side: Side): string {
	return side === 'client' ? flow.clientAddress : flow.serverAddress;
}

/** The version's facts, with the user agent (a view of the stream) made safe text. */
function announced(version: VersionInfo): AnnouncedVersion {
	const agent = version.userAgent.length > 0 ? toDisplay(version.userAgent) : undefined;
	return {protocolVersion: version.protocolVersion, servicesLow: version.servicesLow, startHeight: version.startHeight, agent};
}

/** `version 70016, agent …, services …, height …` */
function describeVersion(version: AnnouncedVersion): string {
	const services = serviceBits.filter(([bit]) => (version.servicesLow & bit) !== 0).map(([, name]) => name);
	return [
		`version ${version.protocolVersion}`,
		version.agent === undefined ? 'no user agent' : `agent ${version.agent}`,
		`services ${services.length > 0 ? services.join('|') : 'none'}`,
		`height ${version.startHeight}`,
	].join(', ');
}
