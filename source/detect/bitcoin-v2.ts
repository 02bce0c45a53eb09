// Bitcoin P2P v2 (BIP324) by the sizes of what each side sends: the transport is encrypted from its
// first byte, lengths included, so nothing is read, only counted. What the protocol fixes: the
// opener sends a 64-byte key and 0..4095 bytes of garbage, then waits; the listener answers with its
// key, garbage, a 16-byte terminator and a version packet; the opener's next flight is its
// terminator, version packet and `version` message, which the listener answers with its own. Every
// packet is its contents + 20 bytes, so the control messages that follow (verack and friends 33,
// sendcmpct 30, ping, pong and feefilter 29) and inventory announcements (22 + 36 per entry) have
// sizes of their own. Sizes are taken per burst (a side's bytes until the other side speaks or it
// pauses), which is the same whether a node coalesces its messages into one segment (bitcoind) or
// sends one a segment with decoys (the Python test framework); segments of one message add a tell of
// their own. Obfs4, Shadowsocks and BitTorrent MSE are random from byte 0 too and overlap the
// handshake's sizes, so the handshake alone is never enough: what follows must look like Bitcoin's.
// A Bitcoin port only names the chain.
import type {FlowView, Side} from '../flows/flow-view.js';
import type {BitcoinSighting, DetectContext, Detector, Finding, V2Advertisement} from './detector.js';
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

interface Range {
	min: number;
	max: number;
}

const openerKeyFlight: Range = {min: keyBytes, max: keyBytes + maxGarbageBytes};
const listenerKeyFlight: Range = {
	min: keyBytes + terminatorBytes + versionPacketBytes,
	max: keyBytes + maxGarbageBytes + terminatorBytes + handshakeDecoyAllowance + versionPacketBytes + earlyMessagesAllowance,
};
const openerVersionFlight: Range = {
	min: terminatorBytes + versionPacketBytes + minVersionMessage,
	max: terminatorBytes + handshakeDecoyAllowance + versionPacketBytes + maxVersionMessage,
};
/** The listener's answer to `version`: its own, then up to four empty control messages (and sendtxrcncl). */
const listenerVersionFlight: Range = {min: minVersionMessage + emptyControlMessage, max: maxVersionMessage + 4 * emptyControlMessage + reconciliationMessage};
/** BitTorrent MSE's first two flights: a 96-byte key and 0..512 bytes of padding each way. */
const mseFlight: Range = {min: 96, max: 608};

/**
 * A burst of control messages only: one ping, pong or feefilter (29), sendcmpct (30) or empty
 * message (33); two pings (or a ping and its pong), sendcmpct and a ping; or the two to four empty
 * ones a node sends on `version`. Each size counts once: keepalives of one size are any protocol's.
 */
const controlBurstSizes = [29, 30, 33, 58, 59, 66, 99, 132];
/** One control message alone in a segment. */
const controlSegmentSizes = new Set([29, 30, 33]);
/** inv, getdata and notfound: a short ID, a count and 36 bytes per entry; a trickle holds a few dozen at most. */
const inventoryBase = packetOverhead + 2;
const inventoryEntry = 36;
const maxInventoryEntries = 50;
/** A smaller segment after this much of a burst may be the rest of an MSS-sized cut, not a message. */
const smallestMss = 536;
/** No whole packet is smaller: a burst this small after the handshake is not BIP324. */
const smallestPacket = packetOverhead + 1;
/**
 * After the version exchange a side that is silent this long has finished what it sent together:
 * a node's messages in answer to one message go out within microseconds, announcements seconds apart.
 */
const burstGapMicros = 50_000;
/** Bursts looked at before giving up: the version exchange, the first messages and a few announcements. */
const maxBursts = 32;

/** The four handshake bursts, in the order the protocol sends them; each side waits for the other. */
const openerKey = 0;
const listenerKey = 1;
const openerVersion = 2;
const listenerVersion = 3;
const handshakeRanges: readonly Range[] = [openerKeyFlight, listenerKeyFlight, openerVersionFlight];

/** Points an exchange needs: the handshake only opens the count. */
const pointsNeeded = 3;
const maxPointsFromControlBursts = 2;
/** Distinct inventory sizes that make a point: one size repeated is any keepalive's. */
const inventorySizesNeeded = 3;
const shapeCertainty = 45;
const portCertainty = 10;
const sightingCertainty = 15;
/** The sighting's own `version`, or a node relaying the listener's address and port, said it speaks v2. */
const advertisedCertainty = 10;

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
	/** The handshake bursts' sizes once complete. */
	handshake: number[];
	/** The burst under way: its index, side, bytes so far and the capture time of its last segment. */
	burst: number;
	burstSide: Side;
	burstBytes: number;
	burstLastMicros: number;
	/** Bit i: a burst of `controlBurstSizes[i]` bytes was seen after the version exchange. */
	controlBursts: number;
	/** Segments after the opener's version that held exactly one control message, behind others of their burst. */
	controlSegments: number;
	/** Distinct inventory burst sizes, the first few of them. */
	inventorySizes: number[];
}

const states = new FlowStates<V2State>();

export const bitcoinV2Detector: Detector = {
	name: 'bitcoin-v2',
	mayMatch(flow, side, first) {
		// The shape is only known from the connection's first byte on, and the opener speaks first.
		if (!flow.sawSyn || side !== 'client' || first.length > openerKeyFlight.max) return false;
		if (isMagicAt(first, 0)) return false;
		return first.length >= judgedBytes ? looksFullyEncrypted(first) : mayBeFullyEncrypted(first);
	},
	inspectStream(flow, side, context) {
		const state = states.get(flow) ?? states.set(flow, newState());
		const stream = flow.stream(side);
		const grown = stream.length - (side === 'client' ? state.clientSeen : state.serverSeen);
		if (side === 'client') state.clientSeen = stream.length;
		else state.serverSeen = stream.length;
		if (grown <= 0) return true;
		if (!judgeKey(state, side, stream)) return false;
		const now = flow.lastSeenMicros;
		let scoring = false;
		if (startsBurst(state, side, now)) {
			if (state.burst >= 0 && !completeBurst(state)) return false;
			if (state.burst + 1 >= maxBursts) return false;
			state.burst++;
			state.burstSide = side;
			state.burstBytes = 0;
			scoring = state.burst > listenerVersion;
		}
		state.burstBytes += grown;
		state.burstLastMicros = now;
		if (state.burst < handshakeRanges.length && state.burstBytes > handshakeRanges[state.burst]!.max) return false;
		// Until the listener answers, a v1 connection to the same place would be the opener falling back.
		if (state.burst === openerKey && state.openerKeyJudged) context.noteV2Opening(flow, false);
		else if (state.burst === listenerKey && state.burstBytes === grown) context.noteV2Opening(flow, true);
		// A control message in a segment of its own behind others of the burst shows messages sent one
		// by one; a burst of one segment is judged as a burst.
		const before = state.burstBytes - grown;
		if (state.burst >= listenerVersion && controlSegmentSizes.has(grown) && before > 0 && before < smallestMss) {
			state.controlSegments++;
			scoring ||= state.burst > listenerVersion;
		}
		return !(scoring && reportIfShown(flow, state, context));
	},
	flowEnded(flow, context) {
		const state = states.get(flow);
		if (state === undefined || state.burst < listenerVersion || !completeBurst(state)) return;
		reportIfShown(flow, state, context);
	},
	release(flow) {
		states.delete(flow);
	},
};

function newState(): V2State {
	return {
		clientSeen: 0,
		serverSeen: 0,
		openerKeyJudged: false,
		listenerKeyJudged: false,
		handshake: [],
		burst: -1,
		burstSide: 'client',
		burstBytes: 0,
		burstLastMicros: 0,
		controlBursts: 0,
		controlSegments: 0,
		inventorySizes: [],
	};
}

/** Both keys must look random once 64 bytes of each are in; each is judged once. */
function judgeKey(state: V2State, side: Side, stream: Uint8Array): boolean {
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

/** The other side spoke, or (after the handshake, where each side waits for the other) this side paused. */
function startsBurst(state: V2State, side: Side, now: number): boolean {
	if (state.burst < 0 || side !== state.burstSide) return true;
	return state.burst > listenerVersion && now - state.burstLastMicros > burstGapMicros;
}

/** Records the finished burst; false when it cannot be BIP324's. */
function completeBurst(state: V2State): boolean {
	const {burst, burstBytes: bytes} = state;
	if (burst <= listenerVersion) {
		// Bursts alternate from the opener; the first three have sizes the protocol bounds.
		if (state.burstSide !== (burst % 2 === 0 ? 'client' : 'server')) return false;
		const range = handshakeRanges[burst];
		if (range !== undefined && bytes < range.min) return false;
		state.handshake.push(bytes);
		return true;
	}
	if (bytes < smallestPacket) return false;
	const control = controlBurstSizes.indexOf(bytes);
	if (control >= 0) state.controlBursts |= 1 << control;
	else if (isInventory(bytes) && state.inventorySizes.length < inventorySizesNeeded && !state.inventorySizes.includes(bytes)) state.inventorySizes.push(bytes);
	return true;
}

function isInventory(bytes: number): boolean {
	const entries = (bytes - inventoryBase) / inventoryEntry;
	return Number.isInteger(entries) && entries >= 1 && entries <= maxInventoryEntries;
}

/** What the bursts after the handshake show, in points, and the report once they are enough. */
function reportIfShown(flow: FlowView, state: V2State, context: DetectContext): boolean {
	if (state.handshake.length <= listenerVersion) return false;
	const points = pointsOf(state);
	// Another flow's word is looked up only when it could make the difference.
	if (points + 1 < pointsNeeded) return false;
	const sighting = sightingOf(flow, context);
	const advertisement = advertisementOf(flow, context);
	// Other flows' word makes one point, however many say it.
	const vouched = sighting !== undefined || advertisement !== undefined;
	if (points + (vouched ? 1 : 0) < pointsNeeded) return false;
	// MSE's handshake covers these sizes as well, and its next flights are any size: only the host's
	// other flows settle it.
	if (within(state.handshake[openerKey]!, mseFlight) && within(state.handshake[listenerKey]!, mseFlight) && !vouched) return false;
	context.setFamily(flow, 'bitcoin-p2p');
	context.report(flow, findingOf(flow, state, sighting, advertisement));
	context.settle(flow);
	return true;
}

/** Scored at every burst: counts only, nothing made. */
function pointsOf(state: V2State): number {
	return (answersVersion(state) ? 1 : 0)
		+ (sameVersionSize(state) ? 1 : 0)
		+ Math.min(bitsSet(state.controlBursts), maxPointsFromControlBursts)
		+ (state.controlSegments >= 2 ? 1 : 0)
		+ (state.inventorySizes.length >= inventorySizesNeeded ? 1 : 0);
}

/** The listener's answer is the size of a version message and control messages. */
function answersVersion(state: V2State): boolean {
	return within(state.handshake[listenerVersion]!, listenerVersionFlight);
}

/** ... and its version is exactly the size of the opener's (the same software, most often). */
function sameVersionSize(state: V2State): boolean {
	const controlAfterVersion = state.handshake[listenerVersion]! - versionMessageIn(state.handshake[openerVersion]!);
	return answersVersion(state) && controlAfterVersion > 0 && controlAfterVersion % emptyControlMessage === 0 && controlAfterVersion <= 4 * emptyControlMessage;
}

function bitsSet(mask: number): number {
	let count = 0;
	for (let rest = mask; rest !== 0; rest &= rest - 1) count++;
	return count;
}

/** The opener's version message, if its second flight held no decoys. */
function versionMessageIn(openerVersionBytes: number): number {
	return openerVersionBytes - terminatorBytes - versionPacketBytes;
}

function within(bytes: number, range: Range): boolean {
	return bytes >= range.min && bytes <= range.max;
}

interface Sighting extends BitcoinSighting {
	address: string;
}

/** Either end seen running Bitcoin on another flow: one that advertised v2 first, then the opener. */
function sightingOf(flow: FlowView, context: DetectContext): Sighting | undefined {
	const opener = sightingAt(flow.clientAddress, context);
	if (opener?.advertisesV2) return opener;
	const listener = sightingAt(flow.serverAddress, context);
	return listener?.advertisesV2 ? listener : opener ?? listener;
}

/** A Bitcoin node relayed the listener's address and port with NODE_P2P_V2. */
function advertisementOf(flow: FlowView, context: DetectContext): V2Advertisement | undefined {
	const advertisement = context.v2AdvertisementOf(flow.serverAddress, flow.serverPort);
	return advertisement !== undefined && bitcoinChains.has(advertisement.network) ? advertisement : undefined;
}

function sightingAt(address: string, context: DetectContext): Sighting | undefined {
	const sighting = context.bitcoinSightingOf(address);
	return sighting !== undefined && bitcoinChains.has(sighting.network) ? {...sighting, address} : undefined;
}

function findingOf(flow: FlowView, state: V2State, sighting: Sighting | undefined, advertisement: V2Advertisement | undefined): Finding {
	const [opener = 0, listener = 0, openerVersionBytes = 0, answer = 0] = state.handshake;
	const evidence = [
		`shape: BIP324 v2 handshake: ${opener} random bytes from ${flow.clientAddress} (64-byte key and ${opener - keyBytes} of garbage), answered by ${listener} random bytes (key, garbage, 16-byte terminator, version packet)`,
		`shape: ${openerVersionBytes}-byte second flight: terminator, version packet and an encrypted version message`,
	];
	if (sameVersionSize(state)) evidence.push(`shape: ${answer}-byte answer: a version message the size of the opener's and ${(answer - versionMessageIn(openerVersionBytes)) / emptyControlMessage} 33-byte control messages (verack, wtxidrelay, sendaddrv2)`);
	else if (answersVersion(state)) evidence.push(`shape: ${answer}-byte answer: a version message and control messages`);
	const controlBursts = controlBurstSizes.filter((_size, index) => (state.controlBursts & (1 << index)) !== 0);
	if (controlBursts.length > 0) evidence.push(`shape: bursts of ${controlBursts.join(', ')} bytes: encrypted control messages (ping, pong, feefilter 29; sendcmpct 30; verack class 33)`);
	if (state.controlSegments >= 2) evidence.push(`shape: ${state.controlSegments} segments of one 29-33-byte control message each`);
	if (state.inventorySizes.length >= inventorySizesNeeded) evidence.push(`shape: bursts of ${state.inventorySizes.join(', ')} bytes: inventory announcements (22 + 36 bytes an entry)`);
	if (sighting !== undefined) evidence.push(sighting.how === 'cleartext-p2p' ? `reputation: ${sighting.address} also speaks cleartext ${sighting.network} P2P${sighting.advertisesV2 ? ' and advertised NODE_P2P_V2 (BIP324) in its version' : ''}` : `reputation: ${sighting.address} looked up a ${sighting.network} DNS seed`);
	if (advertisement !== undefined) evidence.push(`reputation: ${advertisement.by} relayed ${flow.serverAddress} port ${flow.serverPort} with NODE_P2P_V2 (BIP324) in a cleartext ${advertisement.network} ${advertisement.command}`);
	const portChain = chainOfPort.get(flow.serverPort);
	if (portChain !== undefined) evidence.push(`port: ${flow.serverPort} is the ${portChain} P2P port`);
	return {
		kind: 'node',
		protocol: 'bitcoin-p2p-v2',
		actor: 'client',
		certainty: shapeCertainty + (portChain === undefined ? 0 : portCertainty) + (sighting === undefined ? 0 : sightingCertainty) + (sighting?.advertisesV2 || advertisement !== undefined ? advertisedCertainty : 0),
		evidence,
		network: portChain ?? sighting?.network ?? advertisement?.network ?? unknownChain,
		peerListens: true,
	};
}
