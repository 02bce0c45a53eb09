// Browser mining over cleartext WebSocket: an HTTP Upgrade to websocket, then JSON messages in
// frames (RFC 6455). Client frames are masked with a key of their own, so nothing in them can be
// matched before unmasking; messages may be fragmented across frames, with pings between the
// fragments. Each whole text message is parsed as JSON and read in the browser miners' vocabularies:
// Coinhive's and its clones' `{"type": ...}` (auth, submit; authed, job, hash_accepted),
// webminerpool's `{"identifier": ...}` (handshake, solved; job, hashsolved), and plain Stratum
// calls, which some web miners send as they are. The page's side is always the miner.
import type {FlowView, Side} from '../flows/flow-view.js';
import {toDisplay} from '../model/sanitize.js';
import type {DetectContext, Detector, Finding, Stage} from './detector.js';
import {spells} from './byte-text.js';
import {FlowStates} from './flow-states.js';
import {isObject, parseObject, type JsonObject} from './json-lines.js';
import {isCryptoNoteJob, stratumSenderOf} from './stratum.js';

const headerLimit = 8192;
/** Larger than any miner message (a job is a few hundred bytes); larger messages are not read. */
const maxMessageBytes = 65_536;
/** Frames read per flow, pings and binary frames included, before giving up on finding a miner. */
const frameBudget = 64;
const textOpcode = 1;
const binaryOpcode = 2;
const continuationOpcode = 0;
const closeOpcode = 8;
const maxControlPayload = 125;

type Vocabulary = 'Coinhive' | 'webminerpool' | 'Stratum';

interface Recognised {
	sender: Side;
	/** What the message is, as the evidence names it. */
	name: string;
	vocabulary: Vocabulary;
	worker?: unknown;
	algorithm?: unknown;
}

/** One direction's frames: where reading stands and the fragments of a message under way. */
interface FrameReader {
	offset: number;
	fragments: Uint8Array[];
	fragmentBytes: number;
	/** A text message is being reassembled (its first frame lacked FIN). */
	inText: boolean;
	inBinary: boolean;
}

interface WebSocketState {
	/** Where the frames start in each direction, once its HTTP head is complete (-1 before). */
	framesStart: Record<Side, number>;
	target?: string;
	host?: string;
	hostReputation?: string;
	readers: Record<Side, FrameReader>;
	frames: number;
	clientMessages: string[];
	serverMessages: string[];
	vocabulary?: Vocabulary;
	worker?: string;
	algorithm?: string;
	stage?: Stage;
}

const states = new FlowStates<WebSocketState>();

export const websocketStratumDetector: Detector = {
	name: 'websocket-stratum',
	mayMatch(_flow, side, first) {
		return side === 'client' && spells(first, 0, 4, 'GET ');
	},
	inspectStream(flow, side, context) {
		const state = states.get(flow) ?? states.set(flow, newState());
		if (state.framesStart[side] < 0) {
			const verdict = side === 'client' ? readUpgradeRequest(flow, state, context) : readUpgradeResponse(flow.stream('server'), state);
			if (verdict !== 'complete') return verdict === 'incomplete';
		}
		if (state.framesStart.client < 0 || state.framesStart.server < 0) return true;
		// The browser may have sent frames before the 101 was seen complete: both sides are read.
		const readable = readMessages(flow.stream('client'), 'client', state) && readMessages(flow.stream('server'), 'server', state);
		reportProgress(flow, state, context);
		if (state.clientMessages.length > 0 && state.serverMessages.length > 0) {
			context.settle(flow);
			return false;
		}
		return readable && state.frames < frameBudget;
	},
	release(flow) {
		states.delete(flow);
	},
};

function newState(): WebSocketState {
	const reader = (): FrameReader => ({offset: 0, fragments: [], fragmentBytes: 0, inText: false, inBinary: false});
	return {framesStart: {client: -1, server: -1}, readers: {client: reader(), server: reader()}, frames: 0, clientMessages: [], serverMessages: []};
}

type HeadVerdict = 'complete' | 'incomplete' | 'not-websocket';

interface HttpHead {
	end: number;
	startLine: string;
	headers: Map<string, string>;
}

/** The HTTP head at the start of `stream`: start line and headers (names lower-cased), up to the blank line. */
function readHead(stream: Uint8Array, worthParsing: (stream: Uint8Array, end: number) => boolean = () => true): HttpHead | 'incomplete' | 'not-websocket' {
	const limit = Math.min(stream.length, headerLimit);
	let end = -1;
	for (let index = 3; index < limit; index++) {
		if (stream[index] === 0x0a && stream[index - 1] === 0x0d && stream[index - 2] === 0x0a && stream[index - 3] === 0x0d) {
			end = index + 1;
			break;
		}
	}
	if (end < 0) return stream.length >= headerLimit ? 'not-websocket' : 'incomplete';
	if (!worthParsing(stream, end)) return 'not-websocket';
	const lines = latin1.decode(stream.subarray(0, end - 4)).split('\r\n');
	const headers = new Map<string, string>();
	for (const line of lines.slice(1)) {
		const colon = line.indexOf(':');
		if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return {end, startLine: lines[0]!, headers};
}

const websocketWord = Uint8Array.from('websocket', (character) => character.charCodeAt(0));

/** Whether the first `end` bytes hold `websocket` in any case: a GET that is no Upgrade costs a scan, not a parse. */
function mentionsWebSocket(stream: Uint8Array, end: number): boolean {
	candidates: for (let at = 0; at + websocketWord.length <= end; at++) {
		for (let index = 0; index < websocketWord.length; index++) if ((stream[at + index]! | 0x20) !== websocketWord[index]) continue candidates;
		return true;
	}
	return false;
}

function readUpgradeRequest(flow: FlowView, state: WebSocketState, context: DetectContext): HeadVerdict {
	const head = readHead(flow.stream('client'), mentionsWebSocket);
	if (typeof head === 'string') return head;
	if (!/websocket/i.test(head.headers.get('upgrade') ?? '') || !head.headers.has('sec-websocket-key')) return 'not-websocket';
	state.framesStart.client = head.end;
	state.target = toDisplay(head.startLine.split(' ')[1] ?? '');
	const host = head.headers.get('host');
	if (host !== undefined) {
		const name = host.replace(/:\d+$/, '');
		const bytes = Uint8Array.from(name, (character) => character.charCodeAt(0));
		const seen = context.nameIn(bytes, 0, bytes.length, 'latin1');
		const serverIpv4 = flow.ipv4('server');
		context.learnName(serverIpv4 >= 0 ? serverIpv4 : flow.serverAddress, seen);
		state.host = seen.display;
		if (seen.match?.kind === 'pool') state.hostReputation = `reputation: WebSocket host ${seen.display} is a ${seen.match.service} (${seen.match.entry})`;
	}
	return 'complete';
}

function readUpgradeResponse(stream: Uint8Array, state: WebSocketState): HeadVerdict {
	const head = readHead(stream);
	if (typeof head === 'string') return head;
	if (!/^HTTP\/1\.[01] 101\b/.test(head.startLine)) return 'not-websocket';
	state.framesStart.server = head.end;
	return 'complete';
}

/** Reads the direction's new frames; false when they cannot be WebSocket or cannot be read (compressed). */
function readMessages(stream: Uint8Array, side: Side, state: WebSocketState): boolean {
	const reader = state.readers[side];
	const frames = stream.subarray(state.framesStart[side]);
	while (state.frames < frameBudget) {
		const message = nextMessage(frames, reader, side === 'client');
		if (message === 'incomplete') return true;
		if (message === 'invalid') return false;
		state.frames++;
		if (message === 'control') continue;
		const parsed = parseObject(message);
		const recognised = parsed === undefined ? undefined : recognise(parsed);
		if (recognised?.sender === side) note(state, recognised);
	}
	return true;
}

/**
 * The next whole text message of a direction's frames, unmasked: 'control' for a ping, pong or
 * binary frame (skipped), 'invalid' for anything RFC 6455 forbids (an unmasked client frame, a
 * masked server one, a fragmented control frame, an unknown opcode) and for compressed frames
 * (RSV1, permessage-deflate), which cannot be read.
 */
function nextMessage(frames: Uint8Array, reader: FrameReader, masked: boolean): Uint8Array | 'control' | 'incomplete' | 'invalid' {
	const at = reader.offset;
	if (at + 2 > frames.length) return 'incomplete';
	const first = frames[at]!;
	const second = frames[at + 1]!;
	const fin = (first & 0x80) !== 0;
	const opcode = first & 0x0f;
	if ((first & 0x70) !== 0 || ((second & 0x80) !== 0) !== masked) return 'invalid';
	let length = second & 0x7f;
	let header = 2;
	if (length === 126) {
		if (at + 4 > frames.length) return 'incomplete';
		length = (frames[at + 2]! << 8) | frames[at + 3]!;
		header = 4;
	} else if (length === 127) {
		if (at + 10 > frames.length) return 'incomplete';
		// Any length this detector reads fits the low 32 bits.
		for (let index = 2; index < 6; index++) if (frames[at + index] !== 0) return 'invalid';
		length = ((frames[at + 6]! << 24) >>> 0) + ((frames[at + 7]! << 16) | (frames[at + 8]! << 8) | frames[at + 9]!);
		header = 10;
	}
	if (length > maxMessageBytes) return 'invalid';
	const keyAt = at + header;
	if (masked) header += 4;
	if (at + header + length > frames.length) return 'incomplete';
	reader.offset = at + header + length;
	if (opcode >= closeOpcode) {
		return opcode <= 0x0a && fin && length <= maxControlPayload ? 'control' : 'invalid';
	}
	const payload = frames.slice(at + header, at + header + length);
	if (masked) for (let index = 0; index < payload.length; index++) payload[index]! ^= frames[keyAt + (index & 3)]!;
	if (opcode === continuationOpcode) {
		if (!reader.inText && !reader.inBinary) return 'invalid';
		if (reader.inBinary) {
			reader.inBinary = !fin;
			return 'control';
		}
		reader.fragments.push(payload);
		reader.fragmentBytes += payload.length;
		if (reader.fragmentBytes > maxMessageBytes) return 'invalid';
		if (!fin) return 'control';
		reader.inText = false;
		const whole = joined(reader.fragments, reader.fragmentBytes);
		reader.fragments = [];
		reader.fragmentBytes = 0;
		return whole;
	}
	if (reader.inText || reader.inBinary || (opcode !== textOpcode && opcode !== binaryOpcode)) return 'invalid';
	if (opcode === binaryOpcode) {
		reader.inBinary = !fin;
		return 'control';
	}
	if (fin) return payload;
	reader.inText = true;
	reader.fragments = [payload];
	reader.fragmentBytes = payload.length;
	return 'control';
}

function joined(parts: Uint8Array[], total: number): Uint8Array {
	const whole = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		whole.set(part, offset);
		offset += part.length;
	}
	return whole;
}

/** The message in one of the browser miners' vocabularies, with who sends it. */
function recognise(message: JsonObject): Recognised | undefined {
	const type = message['type'];
	const params = message['params'];
	if (typeof type === 'string' && isObject(params)) {
		switch (type) {
			case 'auth': {
				// A chat's auth carries a user or a token; Coinhive's names the site's account key.
				const key = params['site_key'];
				return typeof key === 'string' ? {sender: 'client', name: 'auth', vocabulary: 'Coinhive', worker: key} : undefined;
			}
			case 'submit': {
				return 'job_id' in params && 'nonce' in params ? {sender: 'client', name: 'submit', vocabulary: 'Coinhive'} : undefined;
			}
			case 'authed': {
				return typeof params['hashes'] === 'number' ? {sender: 'server', name: 'authed', vocabulary: 'Coinhive'} : undefined;
			}
			case 'job': {
				return isCryptoNoteJob(params) ? {sender: 'server', name: 'job', vocabulary: 'Coinhive', algorithm: params['algo']} : undefined;
			}
			case 'hash_accepted': {
				return typeof params['hashes'] === 'number' ? {sender: 'server', name: 'hash_accepted', vocabulary: 'Coinhive'} : undefined;
			}
			default: {
				return undefined;
			}
		}
	}
	const identifier = message['identifier'];
	if (typeof identifier === 'string') {
		switch (identifier) {
			case 'handshake': {
				return typeof message['login'] === 'string' && typeof message['pool'] === 'string' ? {sender: 'client', name: 'handshake', vocabulary: 'webminerpool', worker: message['login']} : undefined;
			}
			case 'solved': {
				return 'job_id' in message && 'nonce' in message ? {sender: 'client', name: 'solved', vocabulary: 'webminerpool'} : undefined;
			}
			case 'job': {
				return isCryptoNoteJob(message) ? {sender: 'server', name: 'job', vocabulary: 'webminerpool', algorithm: message['algo']} : undefined;
			}
			case 'hashsolved': {
				return {sender: 'server', name: 'hashsolved', vocabulary: 'webminerpool'};
			}
			default: {
				return undefined;
			}
		}
	}
	const sender = stratumSenderOf(message);
	if (sender === undefined) return undefined;
	const method = message['method'];
	const login = isObject(params) ? params['login'] : undefined;
	return {sender, name: typeof method === 'string' ? method : 'an answer with a job', vocabulary: 'Stratum', worker: method === 'login' ? login : undefined};
}

function note(state: WebSocketState, recognised: Recognised): void {
	const names = recognised.sender === 'client' ? state.clientMessages : state.serverMessages;
	if (!names.includes(recognised.name) && names.length < 4) names.push(toDisplay(recognised.name));
	state.vocabulary ??= recognised.vocabulary;
	if (typeof recognised.worker === 'string' && recognised.worker !== '') state.worker ??= toDisplay(recognised.worker);
	if (typeof recognised.algorithm === 'string' && recognised.algorithm !== '') state.algorithm ??= toDisplay(recognised.algorithm);
}

/** Reports once both sides spoke a miner vocabulary; until then what one side showed is held. */
function reportProgress(flow: FlowView, state: WebSocketState, context: DetectContext): void {
	if (state.clientMessages.length === 0 && state.serverMessages.length === 0) return;
	context.setFamily(flow, 'stratum');
	if (state.clientMessages.length > 0 && state.serverMessages.length > 0) context.report(flow, findingOf(state));
	else context.hold(flow, state.stage ??= () => findingOf(state));
}

function findingOf(state: WebSocketState): Finding {
	const evidence: string[] = [];
	const vocabulary = state.vocabulary === 'Stratum' ? 'Stratum' : `${state.vocabulary}-style`;
	if (state.clientMessages.length > 0) evidence.push(`content: ${vocabulary} browser-miner messages ${state.clientMessages.join(', ')} in masked WebSocket frames`);
	if (state.serverMessages.length > 0) evidence.push(state.clientMessages.length > 0 ? `content: the service answered (${state.serverMessages.join(', ')})` : `content: ${vocabulary} mining service messages ${state.serverMessages.join(', ')} in WebSocket frames`);
	evidence.push(`content: WebSocket upgrade to ${state.host ?? 'a host not named'}${state.target ?? ''}`);
	if (state.hostReputation !== undefined) evidence.push(state.hostReputation);
	return {
		kind: 'mining',
		protocol: 'stratum',
		actor: 'client',
		certainty: state.clientMessages.length > 0 && state.serverMessages.length > 0 ? 95 : 70,
		evidence,
		worker: state.worker,
		algorithm: state.algorithm,
		peerName: state.host,
	};
}

const latin1 = new TextDecoder('latin1');

