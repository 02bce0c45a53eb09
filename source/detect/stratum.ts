// Stratum v1 in every dialect seen on the wire (Bitcoin-style, XMRig/CryptoNote, xmr-stak, ETHPROXY,
// Claymore, EthereumStratum/1.0.0 and 2.0.0), any port. Each direction is read as JSON lines; the
// miner is whichever side sends the client methods, whatever the ports say. Generic JSON-RPC (any
// other method) is never mining. A client method answered by the other side is the strongest proof.
import type {FlowView, Side} from '../flows/flow-view.js';
import {toDisplay} from '../model/sanitize.js';
import {otherSide, type DetectContext, type Detector, type Finding, type Stage} from './detector.js';
import {firstLineMethod, isObject, newLineCursor, nextJsonLine, type JsonObject, type LineCursor} from './json-lines.js';
import {FlowStates} from './flow-states.js';

type ParamsCheck = (params: unknown, message: JsonObject) => boolean;

const anything: ParamsCheck = () => true;
const list: ParamsCheck = (params) => Array.isArray(params);
const object: ParamsCheck = (params) => isObject(params);

/** Client → pool methods. Generic names (`login`, `submit`) must carry their mining-specific params. */
const clientMethods = new Map<string, ParamsCheck>([
	['mining.subscribe', anything],
	['mining.authorize', list],
	['mining.configure', list],
	['mining.submit', list],
	['mining.extranonce.subscribe', anything],
	['mining.suggest_difficulty', anything],
	['mining.hello', object],
	['mining.noop', anything],
	['login', (params) => isObject(params) && typeof params['login'] === 'string'],
	['submit', (params) => isObject(params) && 'job_id' in params && 'nonce' in params],
	['keepalived', anything],
	['getjob', object],
	['eth_submitLogin', list],
	['eth_getWork', anything],
	['eth_submitWork', list],
	['eth_submitHashrate', list],
]);

/** Pool → client pushes. */
const serverMethods = new Map<string, ParamsCheck>([
	['mining.notify', list],
	['mining.set_difficulty', list],
	['mining.set_target', list],
	['mining.set_extranonce', list],
	['mining.set_version_mask', list],
	['job', (params) => isCryptoNoteJob(params)],
]);

/** JSON lines read per flow before giving up on finding (or confirming) Stratum. */
const lineBudget = 24;
/**
 * Miner lines read after the pool confirmed the exchange, looking for who the miner is: an ASIC
 * sends `mining.configure` first and names its agent and worker only in the subscribe and
 * authorize that follow the pool's answer.
 */
const identityLineBudget = 4;

interface StratumState {
	cursors: Record<Side, LineCursor>;
	lines: number;
	/** Bit 1: a line came from the client, bit 2: from the server. */
	sidesHeard: number;
	minerSide?: Side;
	clientMethods: string[];
	serverSignals: string[];
	/** Request ids the miner sent with a mining method, so a reply to one confirms the exchange. */
	pendingIds: string[];
	confirmed: boolean;
	/** Miner lines read since the exchange was confirmed. */
	identityLines: number;
	/** The connection (seen from its SYN) opened with a call no miner makes: generic JSON-RPC. */
	genericClient: boolean;
	/** Made once, when the exchange is first held. */
	stage?: Stage;
	agent?: string;
	worker?: string;
	/** The pool's choice, from its job: what the miner runs. */
	algorithm?: string;
	/** The miner's login list, as an evidence line: what it could run. */
	offeredAlgorithms?: string;
	dialect?: string;
}

const states = new FlowStates<StratumState>();

export const stratumDetector: Detector = {
	name: 'stratum',
	mayMatch(flow, side, first) {
		if (!flow.sawSyn) return true;
		if (!opensWithBrace(first)) return false;
		// Most JSON-RPC is not mining: a first call no miner makes is read without parsing or keeping state.
		if (side !== 'client') return true;
		const method = firstLineMethod(first);
		return method === undefined || mayBeStratumCall(method);
	},
	inspectStream(flow, side, context) {
		let state = states.get(flow);
		if (state === undefined) {
			state = states.set(flow, {
				cursors: {client: newLineCursor(flow), server: newLineCursor(flow)},
				lines: 0,
				sidesHeard: 0,
				clientMethods: [],
				serverSignals: [],
				pendingIds: [],
				confirmed: false,
				identityLines: 0,
				genericClient: false,
			});
		}
		// Once confirmed, only the miner's lines can still say who it is.
		if (state.confirmed && side !== state.minerSide) return true;
		readLines(flow.stream(side), side, flow.sawSyn, state);
		reportProgress(flow, state, context);
		if (state.confirmed) {
			if (!identified(state) && state.identityLines < identityLineBudget && state.lines < lineBudget && !state.cursors[side].rejected) return true;
			context.settle(flow);
			return false;
		}
		if (state.lines >= lineBudget || state.genericClient) return false;
		// Both sides spoke and neither used a mining method: generic JSON-RPC, not Stratum.
		if (state.sidesHeard === 3 && state.minerSide === undefined) return false;
		return !(state.cursors.client.rejected && state.cursors.server.rejected);
	},
	release(flow) {
		states.delete(flow);
	},
};

function readLines(stream: Uint8Array, side: Side, sawSyn: boolean, state: StratumState): void {
	const cursor = state.cursors[side];
	while (state.lines < lineBudget) {
		const message = nextJsonLine(stream, cursor);
		if (message === undefined) return;
		state.lines++;
		if (state.sidesHeard === 0 && side === 'client' && sawSyn && !mayBeStratumCall(message['method'])) {
			state.genericClient = true;
			return;
		}
		state.sidesHeard |= side === 'client' ? 1 : 2;
		if (!state.confirmed) {
			inspectMessage(state, side, message);
			if (state.confirmed && (identified(state) || side !== state.minerSide)) return;
			continue;
		}
		state.identityLines++;
		inspectMessage(state, side, message);
		if (identified(state) || state.identityLines >= identityLineBudget) return;
	}
}

/** A miner's first call is a Stratum method, or at least one in the `mining.` namespace (a message without a method may be anything). */
function mayBeStratumCall(method: unknown): boolean {
	return typeof method !== 'string' || clientMethods.has(method) || serverMethods.has(method) || method.startsWith('mining.');
}

/**
 * The miner has named itself as far as its dialect will: a worker (authorize, submit, login), or
 * an agent in a dialect where no authorize follows (XMRig login, mining.hello). Subscribe dialects
 * send `mining.authorize` after the subscribe, so there an agent alone is not yet enough.
 */
function identified(state: StratumState): boolean {
	if (state.worker !== undefined) return true;
	return state.agent !== undefined && !state.clientMethods.includes('mining.subscribe');
}

/** Stratum's first byte (after optional whitespace) is '{': a cheap test before any state is kept. */
function opensWithBrace(stream: Uint8Array): boolean {
	for (const byte of stream) {
		if (byte === 0x7b) return true;
		if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
	}
	return true;
}

function inspectMessage(state: StratumState, side: Side, message: JsonObject): void {
	const method = message['method'];
	const params = message['params'];
	if (typeof method === 'string') {
		if (clientMethods.get(method)?.(params, message)) {
			noteMiner(state, side);
			if (state.minerSide !== side) return;
			addOnce(state.clientMethods, method);
			const id = message['id'];
			if (id !== undefined && id !== null && state.pendingIds.length < lineBudget) state.pendingIds.push(String(id));
			extractClientDetails(state, method, params, message);
		} else if (serverMethods.get(method)?.(params, message)) {
			noteMiner(state, otherSide(side));
			if (state.minerSide === side) return;
			addOnce(state.serverSignals, method === 'job' ? 'job push' : method);
			if (method === 'job' && isObject(params)) notePoolAlgorithm(state, params['algo']);
		}
	} else if ('result' in message && message['id'] !== undefined) {
		inspectResult(state, side, message);
	}
	if (state.clientMethods.length > 0 && state.serverSignals.length > 0) state.confirmed = true;
}

function inspectResult(state: StratumState, side: Side, message: JsonObject): void {
	const result = message['result'];
	const failed = message['error'] !== undefined && message['error'] !== null;
	if (isObject(result) && isCryptoNoteJob(result['job'])) {
		noteMiner(state, otherSide(side));
		if (state.minerSide === side) return;
		addOnce(state.serverSignals, 'login result with a job');
		notePoolAlgorithm(state, (result['job'] as JsonObject)['algo']);
		return;
	}
	if (isSubscribeResult(result)) {
		noteMiner(state, otherSide(side));
		if (state.minerSide === side) return;
		addOnce(state.serverSignals, 'subscribe result');
		return;
	}
	if (!failed && state.minerSide !== undefined && side !== state.minerSide && state.pendingIds.includes(String(message['id']))) {
		addOnce(state.serverSignals, 'replies to the mining requests');
	}
}

function noteMiner(state: StratumState, side: Side): void {
	state.minerSide ??= side;
}

function extractClientDetails(state: StratumState, method: string, params: unknown, message: JsonObject): void {
	switch (method) {
		case 'login': {
			const login = params as JsonObject;
			state.worker ??= text(login['login']);
			state.agent ??= text(login['agent']);
			state.offeredAlgorithms ??= describeOffered(login['algo']);
			break;
		}
		case 'mining.subscribe': {
			if (Array.isArray(params)) {
				state.agent ??= text(params[0]);
				if (typeof params[1] === 'string' && params[1].startsWith('EthereumStratum/')) state.dialect ??= text(params[1]);
			}
			break;
		}
		case 'mining.hello': {
			const hello = params as JsonObject;
			state.agent ??= text(hello['agent']);
			state.dialect ??= text(hello['proto']);
			break;
		}
		case 'mining.authorize':
		case 'mining.submit': {
			state.worker ??= text((params as unknown[])[0]);
			break;
		}
		case 'eth_submitLogin': {
			state.worker ??= text((params as unknown[])[0]) ?? text(message['worker']);
			state.dialect ??= 'ETHPROXY';
			break;
		}
		default:
	}
}

function notePoolAlgorithm(state: StratumState, algo: unknown): void {
	state.algorithm ??= typeof algo === 'string' ? toDisplay(algo, maxAlgorithmLength) || undefined : undefined;
}

/** Longest algorithm name kept (XMRig's longest is `cn-heavy/xhv`; kawpow, etchash, ghostrider are short). */
const maxAlgorithmLength = 24;
/** Characters of names an offered list shows before it ends in `… (+N more)`. */
const offeredListBudget = 48;

/** `content: the miner offers rx/0, cn/1, cn/2, … (+13 more)`: whole names, never one cut short. */
function describeOffered(algo: unknown): string | undefined {
	const names = (Array.isArray(algo) ? algo : [algo]).filter((entry): entry is string => typeof entry === 'string' && entry !== '');
	if (names.length === 0) return undefined;
	const shown: string[] = [];
	let length = 0;
	for (const name of names) {
		const display = toDisplay(name, maxAlgorithmLength);
		if (shown.length > 0 && length + display.length > offeredListBudget) break;
		shown.push(display);
		length += display.length + 2;
	}
	const more = names.length - shown.length;
	return `content: the miner offers ${names.length === 1 ? 'algorithm' : 'algorithms'} ${shown.join(', ')}${more > 0 ? `, … (+${more} more)` : ''}`;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? toDisplay(value) : undefined;
}

function addOnce(values: string[], value: string): void {
	if (!values.includes(value) && values.length < 4) values.push(value);
}

export function isCryptoNoteJob(job: unknown): boolean {
	return isObject(job) && typeof job['blob'] === 'string' && 'job_id' in job && 'target' in job;
}

/** `[[["mining.notify", id], ...], extranonce1, size]` or the older `[["mining.notify", id], ...]`. */
function isSubscribeResult(result: unknown): boolean {
	if (!Array.isArray(result) || result.length === 0) return false;
	const first: unknown = result[0];
	if (!Array.isArray(first)) return false;
	const pairs: unknown[] = Array.isArray(first[0]) ? first : [first];
	return pairs.some((pair) => Array.isArray(pair) && (pair[0] === 'mining.notify' || pair[0] === 'mining.set_difficulty'));
}

/**
 * Once the pool confirmed the exchange and the miner named itself, reports the flow's finding (the
 * inspection then settles the flow). Until then the exchange's stage is held, made only if it stops short.
 */
function reportProgress(flow: FlowView, state: StratumState, context: DetectContext): void {
	if (state.minerSide === undefined || (state.clientMethods.length === 0 && state.serverSignals.length === 0)) return;
	context.setFamily(flow, 'stratum');
	if (state.confirmed && identified(state)) context.report(flow, findingOf(state, state.minerSide));
	else context.hold(flow, state.stage ??= () => findingOf(state, state.minerSide!));
}

/** What the flow shows so far: both sides' methods confirm mining, one side alone suggests it. */
function findingOf(state: StratumState, minerSide: Side): Finding {
	const hasClient = state.clientMethods.length > 0;
	const hasServer = state.serverSignals.length > 0;
	const evidence: string[] = [];
	if (hasClient) evidence.push(`content: Stratum client methods ${state.clientMethods.join(', ')}`);
	if (hasServer) evidence.push(hasClient ? `content: the pool answered (${state.serverSignals.join(', ')})` : `content: Stratum pool messages ${state.serverSignals.join(', ')}`);
	if (state.dialect !== undefined) evidence.push(`content: dialect ${state.dialect}`);
	if (state.offeredAlgorithms !== undefined) evidence.push(state.offeredAlgorithms);
	return {
		kind: 'mining',
		protocol: 'stratum',
		actor: minerSide,
		certainty: hasClient && hasServer ? 95 : 70,
		evidence,
		agent: state.agent,
		worker: state.worker,
		algorithm: state.algorithm,
	};
}

/**
 * Who sends `message` in Stratum, judged by itself: a miner's call (`client`), a pool's push or an
 * answer carrying a job or subscription (`server`), or neither. For carriers that frame the JSON
 * themselves (WebSocket), where no line reading or exchange is needed.
 */
export function stratumSenderOf(message: JsonObject): Side | undefined {
	const method = message['method'];
	const params = message['params'];
	if (typeof method === 'string') {
		if (clientMethods.get(method)?.(params, message)) return 'client';
		return serverMethods.get(method)?.(params, message) ? 'server' : undefined;
	}
	const result = message['result'];
	if (!('result' in message) || message['id'] === undefined) return undefined;
	return (isObject(result) && isCryptoNoteJob(result['job'])) || isSubscribeResult(result) ? 'server' : undefined;
}
