// Stratum inside TLS, when the ClientHello names nothing (no SNI, no ALPN: XMRig's and most
// stratum+ssl miners' default, never a browser's or an app's), or names a pool without ALPN. The
// records stay readable by their headers, and miners write one record per JSON message, so the
// conversation's rhythm shows through: after the login, the pool pushes a new job every block or
// rebroadcast (seconds to minutes apart, each about the size of the last, and the miner does not
// answer them), and the miner's submits and keepalives are answered at once by smaller
// acknowledgements. Push services, chats and VPNs over TLS are long-lived too, but answer or vary
// their pushes, or move bulk: each of these rules is needed, and a pool's port or address only
// adds to them.
import type {FlowView, Side} from '../flows/flow-view.js';
import type {DetectContext, Detector, Finding} from './detector.js';
import {FlowStates} from './flow-states.js';
import {leftToShape, namelessHelloEvidence, readClientHello} from './tls-client-hello.js';

const changeCipherSpec = 0x14;
const alertRecord = 0x15;
const handshakeRecord = 0x16;
const applicationData = 0x17;
/** TLSCiphertext's limit, 2^14 + 2048. */
const maxRecord = 18_432;
/** Type byte and tag (TLS 1.3), or explicit nonce and tag (TLS 1.2 GCM): what a record adds to its message. */
const tls13Overhead = 17;
const tls12Overhead = 24;
/** Larger than any Stratum message (a notify with a long merkle branch is ~3 KB): bulk transfer, not Stratum. */
const maxMessageBytes = 8192;
/** Records of one side with no more than this between them, and none from the other side, are one burst. */
const burstGapMicros = 300_000;
/** A pool answers a submit or keepalive within this (a round trip and its checks). */
const answerWindowMicros = 2_000_000;
/**
 * A client burst this soon after a push answers it: push services, chats and brokers acknowledge
 * what they are sent, miners do not acknowledge jobs (only a share found at that moment follows one).
 */
const pushAnswerWindowMicros = 500_000;
/** A job is a blob, a job id and a target at the least. */
const minJobBytes = 100;
/** Jobs of one pool differ by a few bytes (ids, heights, a merkle branch more or less): alike within this ratio of their median. */
const jobSizeRatio = 1.1;
/** Pools push jobs per block or rebroadcast, never several a second. */
const minPushGapMicros = 5_000_000;
const pushesNeeded = 3;
/** A submit or keepalive request, and its acknowledgement (`{"id":4,"result":true,"error":null}` at the least). */
const minRequestBytes = 60;
const maxRequestBytes = 2000;
const minAnswerBytes = 24;
const maxAnswerBytes = 200;
/** A pool's acknowledgements are one template (`OK`, `KEEPALIVED`, `true`): alike within this many bytes of their median. */
const answerSizeSpread = 16;
/** Exchanges needed, and the share of the miner's bursts after its login they must be: a pool answers every call. */
const exchangesNeeded = 2;
const answeredShare = 0.75;
const maxAnswerSizes = 64;
/** Bursts neither pushes nor exchanges tolerated beside them (the login, a late answer, a reconnect's noise). */
const maxOtherBursts = 6;
/** Bursts read before giving up: a dozen pushes and the submits between them. */
const maxBursts = 200;
const shapeCertainty = 40;
const portCertainty = 5;
const reputationCertainty = 30;

/**
 * TLS ports pools publish for their stratum+ssl endpoints (detection-notes §7.3, encrypted-notes §2.1):
 * 443 is everyone's, so it is not among them.
 */
const poolTlsPorts = new Map([
	[9000, 'SupportXMR'],
	[12_121, '2Miners'],
	[12_222, '2Miners'],
	[14_433, 'Nanopool'],
	[14_444, 'Nanopool'],
	[20_128, 'MoneroOcean'],
]);

interface Burst {
	side: Side;
	startMicros: number;
	lastMicros: number;
	bytes: number;
	records: number;
}

interface StratumTlsState {
	/** Where record reading stands in each direction. */
	offsets: Record<Side, number>;
	helloRead: boolean;
	/** The hello named a pool (the name says so in the alert; only a nameless hello is evidence of its own). */
	named: boolean;
	clientChangedCipher: boolean;
	/** The client's Finished went by: its application records follow (and the server's count from then). */
	clientApplication: boolean;
	tls13: boolean;
	burst?: Burst;
	bursts: number;
	/** The previous completed burst, for pairing a request with its answer. */
	previous?: Burst;
	/** The first server burst answers the login: not a push. */
	loginAnswered: boolean;
	lastPushEndMicros: number;
	pushSizes: number[];
	pushStarts: number[];
	answeredPushes: number;
	exchanges: number;
	/** The client's bursts after the login's answer: each should be a request the pool answers. */
	clientBursts: number;
	answerSizes: number[];
	otherBursts: number;
}

const states = new FlowStates<StratumTlsState>();

export const stratumTlsDetector: Detector = {
	name: 'stratum-tls',
	mayMatch(flow, side, first) {
		// Records are read from the connection's first byte, and the client's first is a ClientHello.
		return flow.sawSyn && side === 'client' && first[0] === handshakeRecord;
	},
	inspectStream(flow, side, context) {
		const state = states.get(flow) ?? states.set(flow, newState());
		if (!state.helloRead) {
			if (side !== 'client') return true;
			const hello = readClientHello(flow.stream('client'));
			if (hello === 'incomplete') return true;
			if (hello === 'invalid' || !leftToShape(flow, hello, context)) return false;
			state.helloRead = true;
			state.named = hello.nameStart >= 0;
		}
		const stream = flow.stream(side);
		const now = flow.lastSeenMicros;
		while (state.offsets[side] + 5 <= stream.length) {
			const at = state.offsets[side];
			const type = stream[at]!;
			const length = (stream[at + 3]! << 8) | stream[at + 4]!;
			if (type < changeCipherSpec || type > applicationData || stream[at + 1] !== 0x03 || length > maxRecord) return false;
			if (at + 5 + length > stream.length) break;
			state.offsets[side] = at + 5 + length;
			if (type === alertRecord) return finish(flow, state, context);
			if (!readRecord(state, side, type, length, now)) return false;
			if (state.bursts > maxBursts || state.otherBursts > maxOtherBursts) return false;
			if (reportIfShown(flow, state, context)) return false;
		}
		return true;
	},
	flowEnded(flow, context) {
		const state = states.get(flow);
		if (state !== undefined) finish(flow, state, context);
	},
	release(flow) {
		states.delete(flow);
	},
};

function newState(): StratumTlsState {
	return {
		offsets: {client: 0, server: 0},
		helloRead: false,
		named: false,
		clientChangedCipher: false,
		clientApplication: false,
		tls13: false,
		bursts: 0,
		loginAnswered: false,
		lastPushEndMicros: Number.NEGATIVE_INFINITY,
		pushSizes: [],
		pushStarts: [],
		answeredPushes: 0,
		exchanges: 0,
		clientBursts: 0,
		answerSizes: [],
		otherBursts: 0,
	};
}

/**
 * Follows the handshake to the client's Finished (its first record after ChangeCipherSpec: a
 * handshake record in TLS 1.2, application data in TLS 1.3), then gathers application records into
 * bursts. False when a record is too big to be a Stratum message.
 */
function readRecord(state: StratumTlsState, side: Side, type: number, length: number, now: number): boolean {
	if (!state.clientApplication) {
		if (side === 'client') {
			if (type === changeCipherSpec) {
				state.clientChangedCipher = true;
			} else if (type === applicationData || (type === handshakeRecord && state.clientChangedCipher)) {
				state.tls13 = type === applicationData;
				state.clientApplication = true;
			}
		}
		return true;
	}
	if (type !== applicationData) return true;
	const bytes = length - (state.tls13 ? tls13Overhead : tls12Overhead);
	if (bytes > maxMessageBytes) return false;
	const burst = state.burst;
	if (burst !== undefined && burst.side === side && now - burst.lastMicros <= burstGapMicros) {
		burst.bytes += bytes;
		burst.records++;
		burst.lastMicros = now;
		return true;
	}
	// The server's records before the client's first message are its tickets, not an answer.
	if (burst === undefined && side === 'server') return true;
	if (burst !== undefined) completeBurst(state, burst);
	state.burst = {side, startMicros: now, lastMicros: now, bytes, records: 1};
	state.bursts++;
	return true;
}

/** Classifies a finished burst: a push, the answer to a request, the answer to a push, or other. */
function completeBurst(state: StratumTlsState, burst: Burst): void {
	const previous = state.previous;
	state.previous = burst;
	const answersPrevious = previous !== undefined && previous.side !== burst.side && burst.startMicros - previous.lastMicros <= answerWindowMicros;
	if (burst.side === 'server') {
		if (!state.loginAnswered) {
			state.loginAnswered = true;
			if (answersPrevious) return;
		}
		if (answersPrevious) {
			if (isRequest(previous!) && burst.records === 1 && burst.bytes >= minAnswerBytes && burst.bytes <= maxAnswerBytes && burst.bytes < previous!.bytes) {
				state.exchanges++;
				if (state.answerSizes.length < maxAnswerSizes) state.answerSizes.push(burst.bytes);
			} else {
				state.otherBursts++;
			}
			return;
		}
		if (state.pushSizes.length < 16) {
			state.pushSizes.push(burst.bytes);
			state.pushStarts.push(burst.startMicros);
		}
		state.lastPushEndMicros = burst.lastMicros;
		return;
	}
	if (state.loginAnswered) state.clientBursts++;
	if (burst.startMicros - state.lastPushEndMicros <= pushAnswerWindowMicros) state.answeredPushes++;
	// A client burst is judged by what follows it (an answer makes it a request); one left unanswered is other.
}

function isRequest(burst: Burst): boolean {
	return burst.records === 1 && burst.bytes >= minRequestBytes && burst.bytes <= maxRequestBytes;
}

/** The pushes alike in size to their median, if they are the jobs of one pool: enough of them, seconds apart, unanswered. */
function jobPushes(state: StratumTlsState): number[] | undefined {
	const sizes = state.pushSizes;
	if (sizes.length < pushesNeeded || state.answeredPushes * 3 > sizes.length) return undefined;
	const median = [...sizes].sort((left, right) => left - right)[Math.floor(sizes.length / 2)]!;
	if (median < minJobBytes) return undefined;
	const alike = sizes.filter((size) => size * jobSizeRatio >= median && size <= median * jobSizeRatio);
	if (alike.length < pushesNeeded || alike.length * 4 < sizes.length * 3) return undefined;
	for (let index = 1; index < state.pushStarts.length; index++) {
		if (state.pushStarts[index]! - state.pushStarts[index - 1]! < minPushGapMicros) return undefined;
	}
	return alike;
}

/** The flow closes or ends: its last burst is complete, and what it showed is judged once more. */
function finish(flow: FlowView, state: StratumTlsState, context: DetectContext): false {
	if (state.burst !== undefined) {
		completeBurst(state, state.burst);
		state.burst = undefined;
	}
	reportIfShown(flow, state, context);
	return false;
}

/** Enough requests answered, nearly all the client's, by acknowledgements of one size. */
function answeredLikeAPool(state: StratumTlsState): boolean {
	if (state.exchanges < exchangesNeeded || state.exchanges < state.clientBursts * answeredShare) return false;
	const sizes = state.answerSizes;
	const median = [...sizes].sort((left, right) => left - right)[Math.floor(sizes.length / 2)]!;
	const alike = sizes.filter((size) => Math.abs(size - median) <= answerSizeSpread).length;
	return alike * 3 >= sizes.length * 2;
}

function reportIfShown(flow: FlowView, state: StratumTlsState, context: DetectContext): boolean {
	// Counts first: they rule most records out without sorting anything.
	if (state.pushSizes.length < pushesNeeded || state.exchanges < exchangesNeeded || state.otherBursts > maxOtherBursts) return false;
	if (!answeredLikeAPool(state)) return false;
	const jobs = jobPushes(state);
	if (jobs === undefined) return false;
	context.setFamily(flow, 'pool-tls');
	context.report(flow, findingOf(flow, state, jobs, context));
	context.settle(flow);
	return true;
}

function findingOf(flow: FlowView, state: StratumTlsState, jobs: number[], context: DetectContext): Finding {
	const gaps = state.pushStarts.slice(1).map((start, index) => Math.round((start - state.pushStarts[index]!) / 1e6));
	const evidence = [
		...(state.named ? [] : [namelessHelloEvidence]),
		`shape: ${jobs.length} unanswered pushes from the server of ${Math.min(...jobs)}-${Math.max(...jobs)} bytes, ${Math.min(...gaps)}-${Math.max(...gaps)} s apart (new jobs)`,
		`shape: ${state.exchanges} of the client's ${state.clientBursts} requests answered at once by ${Math.min(...state.answerSizes)}-${Math.max(...state.answerSizes)}-byte replies (share submits and keepalives, and their acknowledgements)`,
	];
	const poolName = context.poolNameOf(flow.serverAddress);
	if (poolName !== undefined) evidence.push(`reputation: ${flow.serverAddress} is mining pool ${poolName}`);
	const portPool = poolTlsPorts.get(flow.serverPort);
	if (portPool !== undefined) evidence.push(`port: ${flow.serverPort} is a stratum+ssl port (${portPool})`);
	return {
		kind: 'mining',
		protocol: 'tls',
		actor: 'client',
		certainty: shapeCertainty + (portPool === undefined ? 0 : portCertainty) + (poolName === undefined ? 0 : reputationCertainty),
		evidence,
		peerName: poolName,
	};
}
