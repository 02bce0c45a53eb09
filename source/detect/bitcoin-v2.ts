// Bitcoin P2P v2 (BIP324) by the sizes of its flights: the transport is encrypted from its first
// byte and its lengths are encrypted too, so nothing is read, only counted. What the protocol fixes:
// the opener sends a 64-byte key and 0..4095 bytes of garbage, then waits; the listener answers
// with its key, garbage, a 16-byte terminator and a version packet; the opener's next flight is its
// terminator, version packet and `version` message. Every packet is its contents + 20 bytes, so the
// version exchange and the control messages after it (verack and friends 33, sendcmpct 30, ping,
// pong and feefilter 29) have sizes of their own. The flight runs are the same whether a node
// coalesces its messages into one segment (bitcoind) or sends one a segment with decoys (the Python
// test framework); single-message segments add a tell of their own. Obfs4, Shadowsocks and BitTorrent
// MSE are random from byte 0 too and overlap the handshake's sizes, so the handshake alone is never
// enough: the exchange after it must look like Bitcoin's. A Bitcoin port only names the chain.
import type {Flight, FlowView, Side} from '../flows/flow-view.js';
import type {BitcoinSighting, DetectContext, Detector, Finding} from './detector.js';
import {isMagicAt} from './bitcoin-message.js';
import {FlowStates} from './flow-states.js';
import {judgedBytes, looksFullyEncrypted, mayBeFullyEncrypted} from './fully-encrypted.js';

const keyBytes = 64;
const maxGarbageBytes = 4095;
const terminatorBytes = 16;
/** 3-byte encrypted length, 1-byte header and 16-byte tag around every packet's contents. */
const packetOverhead = 20;
/** The version packet's contents are empty today (BIP324: reserved for future versions). */
const versionPacketBytes = packetOverhead;
/** The Python test framework sends up to 10 decoys of 1..100 bytes after its terminator. */
const handshakeDecoyAllowance = 10 * (100 + packetOverhead);
/** `version` as a v2 packet: 13-byte message type, 86-byte payload and a user agent of up to 256. */
const minVersionMessage = packetOverhead + 13 + 86;
const maxVersionMessage = minVersionMessage + 256;
/** verack, wtxidrelay, sendaddrv2, getaddr, sendheaders: a 13-byte message type and no payload. */
const emptyControlMessage = packetOverhead + 13;
/** sendtxrcncl, which Bitcoin Core sends beside verack when reconciliation is on. */
const reconciliationMessage = packetOverhead + 13 + 12;
/** What a listener that does not wait for the opener's version could put behind its version packet. */
const earlyMessagesAllowance = maxVersionMessage + 4 * emptyControlMessage;

const openerFirstFlight = {min: keyBytes, max: keyBytes + maxGarbageBytes};
const listenerFirstFlight = {
	min: keyBytes + terminatorBytes + versionPacketBytes,
	max: keyBytes + maxGarbageBytes + terminatorBytes + handshakeDecoyAllowance + versionPacketBytes + earlyMessagesAllowance,
};
const openerSecondFlight = {
	min: terminatorBytes + versionPacketBytes + minVersionMessage,
	max: terminatorBytes + handshakeDecoyAllowance + versionPacketBytes + maxVersionMessage,
};
/** The listener's answer to `version`: its own, then up to four empty control messages (and sendtxrcncl). */
const listenerVersionFlight = {min: minVersionMessage + emptyControlMessage, max: maxVersionMessage + 4 * emptyControlMessage + reconciliationMessage};
/** BitTorrent MSE's first two flights: a 96-byte key and 0..512 bytes of padding each way. */
const mseFlight = {min: 96, max: 608};

/**
 * A whole flight of control messages only: one or two of ping/pong/feefilter (29), sendcmpct (30)
 * and the empty ones (33), or the three or four empty ones a node sends on `version`.
 */
const controlFlightSizes = new Set([29, 30, 33, 58, 59, 60, 62, 63, 66, 99, 132]);
/** One control message alone in a segment. */
const controlSegmentSizes = new Set([29, 30, 33]);
/** A smaller segment after this much of a flight may be the rest of an MSS-sized cut, not a message. */
const smallestMss = 536;
/** No whole packet is smaller: a flight this small after the handshake is not BIP324. */
const smallestPacket = packetOverhead + 1;

/** Flights in the order the protocol sends them. */
const openerKey = 0;
const listenerKey = 1;
const openerVersion = 2;
const listenerVersion = 3;
const firstAfterVersions = 4;

/** Points an exchange needs; the handshake and the opener's version flight only open the count. */
const pointsNeeded = 3;
const maxPointsFromControlFlights = 2;
const shapeCertainty = 45;
const portCertainty = 10;
const sightingCertainty = 15;

/** A Bitcoin port names the chain; nothing else in the flow can. */
const chainOfPort = new Map([
	[8333, 'bitcoin-mainnet'],
	[18333, 'bitcoin-testnet3'],
	[48333, 'bitcoin-testnet4'],
	[38333, 'bitcoin-signet'],
	[18444, 'bitcoin-regtest'],
]);
/** BIP324 is Bitcoin's: another Bitcoin-family chain seen on the host does not vouch for it. */
const bitcoinChains = new Set(chainOfPort.values());
const unknownChain = 'bitcoin-v2';

interface V2State {
	/** Stream lengths at the previous look, to size each segment as it arrives. */
	clientSeen: number;
	serverSeen: number;
	openerKeyJudged: boolean;
	listenerKeyJudged: boolean;
	/** Segments after the version flights that held exactly one control message. */
	controlSegments: number;
	/** What the last scoring saw: it is done again only when a flight completes or a segment tells. */
	scoredFlights: number;
	scoredSegments: number;
}

const states = new FlowStates<V2State>();

export const bitcoinV2Detector: Detector = {
	name: 'bitcoin-v2',
	mayMatch(flow, side, first) {
		// The shape is only known from the connection's first byte on, and the opener speaks first.
		if (!flow.sawSyn || side !== 'client' || first.length > openerFirstFlight.max) return false;
		if (isMagicAt(first, 0)) return false;
		return first.length >= judgedBytes ? looksFullyEncrypted(first) : mayBeFullyEncrypted(first);
	},
	inspectStream(flow, side, context) {
		const state = states.get(flow) ?? states.set(flow, {clientSeen: 0, serverSeen: 0, openerKeyJudged: false, listenerKeyJudged: false, controlSegments: 0, scoredFlights: 0, scoredSegments: 0});
		const stream = flow.stream(side);
		const grown = stream.length - (side === 'client' ? state.clientSeen : state.serverSeen);
		if (side === 'client') state.clientSeen = stream.length;
		else state.serverSeen = stream.length;
		if (!judgeKeys(state, side, stream)) return false;
		const flights = flow.flights;
		const count = flights.length;
		if (flights[0]?.side !== 'client' || breaksShape(flights, count - 1, count)) return false;
		const current = flights[count - 1]!;
		if (count - 1 >= listenerVersion && current.side === side && controlSegmentSizes.has(grown) && current.bytes - grown < smallestMss) state.controlSegments++;
		const complete = count - 1;
		if (complete <= listenerVersion || (complete === state.scoredFlights && state.controlSegments === state.scoredSegments)) return true;
		state.scoredFlights = complete;
		state.scoredSegments = state.controlSegments;
		if (reportIfShown(flow, flights, complete, state, context)) return false;
		// Flights stop being recorded at the eighth: what the first seven showed is all there is.
		return count < 8;
	},
	flowEnded(flow, context) {
		const state = states.get(flow);
		const flights = flow.flights;
		if (state === undefined || breaksShape(flights, flights.length, flights.length)) return;
		reportIfShown(flow, flights, flights.length, state, context);
	},
	release(flow) {
		states.delete(flow);
	},
};

/** Both keys must look random once 64 bytes of each are in; each is judged once. */
function judgeKeys(state: V2State, side: Side, stream: Uint8Array): boolean {
	if (stream.length < judgedBytes) return true;
	if (side === 'client') {
		if (state.openerKeyJudged) return true;
		state.openerKeyJudged = true;
	} else {
		if (state.listenerKeyJudged) return true;
		state.listenerKeyJudged = true;
	}
	return looksFullyEncrypted(stream);
}

/**
 * A flight outside what BIP324 allows: the first three too long while they grow or too short once
 * complete (`complete` of them are), and no complete later flight smaller than a packet.
 */
function breaksShape(flights: readonly Flight[], complete: number, count: number): boolean {
	if (count > openerKey && outside(flights[openerKey]!.bytes, openerFirstFlight, complete > openerKey)) return true;
	if (count > listenerKey && outside(flights[listenerKey]!.bytes, listenerFirstFlight, complete > listenerKey)) return true;
	if (count > openerVersion && outside(flights[openerVersion]!.bytes, openerSecondFlight, complete > openerVersion)) return true;
	for (let index = listenerVersion; index < complete; index++) if (flights[index]!.bytes < smallestPacket) return true;
	return false;
}

function outside(bytes: number, range: {min: number; max: number}, complete: boolean): boolean {
	return bytes > range.max || (complete && bytes < range.min);
}

/** What the complete flights after the handshake show, in points, and the report once they are enough. */
function reportIfShown(flow: FlowView, flights: readonly Flight[], complete: number, state: V2State, context: DetectContext): boolean {
	if (complete <= listenerVersion) return false;
	const tells = tellsOf(flights, complete, state);
	const points = (tells.answersVersion ? 1 : 0) + (tells.sameVersionSize ? 2 : 0) + Math.min(tells.controlFlights, maxPointsFromControlFlights) + (tells.controlSegments >= 2 ? 1 : 0);
	// Another flow's word is looked up only when it could make the difference.
	if (points + 1 < pointsNeeded) return false;
	const sighting = sightingOf(flow, context);
	if (points + (sighting === undefined ? 0 : 1) < pointsNeeded) return false;
	// MSE's handshake covers these sizes as well: only a tell MSE cannot give settles it.
	if (within(flights[openerKey]!.bytes, mseFlight) && within(flights[listenerKey]!.bytes, mseFlight) && !tells.sameVersionSize && sighting === undefined) return false;
	context.setFamily(flow, 'bitcoin-p2p');
	context.report(flow, findingOf(flow, flights, complete, tells, sighting));
	context.settle(flow);
	return true;
}

interface Tells {
	/** The listener's answer is the size of a version message and control messages. */
	answersVersion: boolean;
	/** ... and its version is exactly the size of the opener's (the same software, most often). */
	sameVersionSize: boolean;
	controlFlights: number;
	controlSegments: number;
}

function tellsOf(flights: readonly Flight[], complete: number, state: V2State): Tells {
	const listenerAnswer = flights[listenerVersion]!.bytes;
	const answersVersion = within(listenerAnswer, listenerVersionFlight);
	const controlAfterVersion = listenerAnswer - openerVersionMessage(flights);
	const sameVersionSize = answersVersion && controlAfterVersion > 0 && controlAfterVersion % emptyControlMessage === 0 && controlAfterVersion <= 4 * emptyControlMessage;
	let controlFlights = 0;
	for (let index = firstAfterVersions; index < complete; index++) if (controlFlightSizes.has(flights[index]!.bytes)) controlFlights++;
	return {answersVersion, sameVersionSize, controlFlights, controlSegments: state.controlSegments};
}

/** The opener's version message, if its second flight held no decoys. */
function openerVersionMessage(flights: readonly Flight[]): number {
	return flights[openerVersion]!.bytes - terminatorBytes - versionPacketBytes;
}

function within(bytes: number, range: {min: number; max: number}): boolean {
	return bytes >= range.min && bytes <= range.max;
}

interface Sighting extends BitcoinSighting {
	address: string;
}

/** Either end seen running Bitcoin on another flow (the opener first). */
function sightingOf(flow: FlowView, context: DetectContext): Sighting | undefined {
	return sightingAt(flow.clientAddress, context) ?? sightingAt(flow.serverAddress, context);
}

function sightingAt(address: string, context: DetectContext): Sighting | undefined {
	const sighting = context.bitcoinSightingOf(address);
	return sighting !== undefined && bitcoinChains.has(sighting.network) ? {...sighting, address} : undefined;
}

function findingOf(flow: FlowView, flights: readonly Flight[], complete: number, tells: Tells, sighting: Sighting | undefined): Finding {
	const opener = flights[openerKey]!.bytes;
	const listener = flights[listenerKey]!.bytes;
	const evidence = [
		`shape: BIP324 v2 handshake: ${opener} random bytes from ${flow.clientAddress} (64-byte key and ${opener - keyBytes} of garbage), answered by ${listener} random bytes (key, garbage, 16-byte terminator, version packet)`,
		`shape: ${flights[openerVersion]!.bytes}-byte second flight: terminator, version packet and an encrypted version message`,
	];
	const answer = flights[listenerVersion]!.bytes;
	if (tells.sameVersionSize) evidence.push(`shape: ${answer}-byte answer: a version message the size of the opener's and ${(answer - openerVersionMessage(flights)) / emptyControlMessage} 33-byte control messages (verack, wtxidrelay, sendaddrv2)`);
	else if (tells.answersVersion) evidence.push(`shape: ${answer}-byte answer: a version message and control messages`);
	const controlFlights = flights.slice(firstAfterVersions, complete).map((flight) => flight.bytes).filter((bytes) => controlFlightSizes.has(bytes));
	if (controlFlights.length > 0) evidence.push(`shape: flights of ${controlFlights.join(', ')} bytes: encrypted control messages (ping, pong, feefilter 29; sendcmpct 30; verack class 33)`);
	if (tells.controlSegments >= 2) evidence.push(`shape: ${tells.controlSegments} segments of one 29-33-byte control message each`);
	if (sighting !== undefined) evidence.push(sighting.how === 'cleartext-p2p' ? `reputation: ${sighting.address} also speaks cleartext ${sighting.network} P2P` : `reputation: ${sighting.address} looked up a ${sighting.network} DNS seed`);
	const portChain = chainOfPort.get(flow.serverPort);
	if (portChain !== undefined) evidence.push(`port: ${flow.serverPort} is the ${portChain} P2P port`);
	return {
		kind: 'node',
		protocol: 'bitcoin-p2p-v2',
		actor: 'client',
		certainty: shapeCertainty + (portChain === undefined ? 0 : portCertainty) + (sighting === undefined ? 0 : sightingCertainty),
		evidence,
		network: portChain ?? sighting?.network ?? unknownChain,
		peerListens: true,
	};
}
