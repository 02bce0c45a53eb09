// getwork / getblocktemplate mining over HTTP JSON-RPC, any port: the request body calls a mining
// method (Bitcoin getwork/GBT/submitblock, Monero get_block_template, Ethereum eth_getWork...), or
// the request carries the miners' `X-Mining-Extensions` header, or the response advertises
// `X-Stratum` / `X-Long-Polling`. Any other HTTP is left alone.
import type {FlowView, Side} from '../flows/flow-view.js';
import {toDisplay} from '../model/sanitize.js';
import type {DetectContext, Detector, Finding, Stage} from './detector.js';
import {isObject} from './json-lines.js';
import {FlowStates} from './flow-states.js';

const miningMethods = new Set([
	'getwork', 'getblocktemplate', 'submitblock', 'get_block_template', 'submit_block',
	'eth_getWork', 'eth_submitWork', 'eth_submitHashrate', 'eth_submitLogin',
]);

const mentionsMiningMethod = /"(getwork|getblocktemplate|submitblock|get_block_template|submit_block|eth_\w+)"/;
/**
 * getwork, getblocktemplate and their long polls are JSON-RPC calls, always POSTed (cgminer, bfgminer
 * and bitcoind's RPC alike): a GET, the bulk of web traffic, is settled at its first bytes.
 */
const requestMethods = [bytesOf('POST ')];
const httpVersion = bytesOf('HTTP/1.');
/** Header names read, lower-case; the rest are skipped without becoming strings. */
const contentLength = 0;
const requestHeaders = ['content-length', 'x-mining-extensions', 'user-agent'].map(bytesOf);
const responseHeaders = ['content-length', 'x-stratum', 'x-long-polling'].map(bytesOf);
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

interface HttpMessage {
	/** The raw value of each wanted header, by its index in the wanted list (the last one wins). */
	headers: (Uint8Array | undefined)[];
	/** Undefined while the body is still incomplete. */
	body: Uint8Array | undefined;
}

interface GetworkState {
	requester?: Side;
	requestDone: boolean;
	responseDone: boolean;
	requestEvidence: string[];
	responseEvidence: string[];
	agent?: string;
	/** Made once, when the exchange is first held. */
	stage?: Stage;
}

const states = new FlowStates<GetworkState>();
const headerLimit = 8192;

export const getworkDetector: Detector = {
	name: 'getwork',
	mayMatch(_flow, side, first) {
		return startsWithRequest(first) || (side === 'client' && first.length < 8);
	},
	inspectStream(flow, side, context) {
		let state = states.get(flow);
		if (state === undefined) {
			const requester = startsWithRequest(flow.stream('client')) ? 'client' : startsWithRequest(flow.stream('server')) ? 'server' : undefined;
			if (requester === undefined) return flow.stream('client').length < 8 && flow.stream('server').length === 0;
			state = {requester, requestDone: false, responseDone: false, requestEvidence: [], responseEvidence: []};
			states.set(flow, state);
		}
		if (side === state.requester && !state.requestDone) inspectRequest(flow, side, state);
		else if (side !== state.requester && !state.responseDone) inspectResponse(flow, side, state);
		report(flow, state, context);
		if (state.requestDone && state.requestEvidence.length === 0) return false;
		if (state.requestDone && state.responseDone) {
			if (state.requestEvidence.length > 0) context.settle(flow);
			return false;
		}
		return true;
	},
	release(flow) {
		states.delete(flow);
	},
};

function startsWithRequest(stream: Uint8Array): boolean {
	for (const method of requestMethods) if (startsWith(stream, 0, method)) return true;
	return false;
}

function startsWith(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
	if (at + expected.length > bytes.length) return false;
	for (let index = 0; index < expected.length; index++) if (bytes[at + index] !== expected[index]) return false;
	return true;
}

function bytesOf(text: string): Uint8Array {
	return Uint8Array.from(text, (character) => character.charCodeAt(0));
}

function inspectRequest(flow: FlowView, side: Side, state: GetworkState): void {
	const message = readHttpMessage(flow.stream(side), requestHeaders);
	if (message === undefined) return;
	if (message === 'not-http') {
		state.requestDone = true;
		return;
	}
	if (message.body === undefined) return;
	state.requestDone = true;
	const method = miningMethodOf(message.body);
	if (method !== undefined) state.requestEvidence.push(`content: HTTP JSON-RPC call ${method}`);
	const extensions = message.headers[1];
	if (extensions !== undefined) state.requestEvidence.push(`content: HTTP request header X-Mining-Extensions: ${toDisplay(headerText(extensions), 60)}`);
	const agent = message.headers[2];
	if (agent !== undefined && state.requestEvidence.length > 0) state.agent = toDisplay(headerText(agent));
}

function inspectResponse(flow: FlowView, side: Side, state: GetworkState): void {
	const message = readHttpMessage(flow.stream(side), responseHeaders);
	if (message === undefined) return;
	state.responseDone = true;
	if (message === 'not-http') return;
	for (let index = 1; index < responseHeaders.length; index++) {
		const value = message.headers[index];
		if (value !== undefined) state.responseEvidence.push(`content: HTTP response header ${latin1.decode(responseHeaders[index])}: ${toDisplay(headerText(value), 60)}`);
	}
}

function headerText(value: Uint8Array): string {
	return latin1.decode(value).trim();
}

/**
 * The first HTTP message of a stream, with the `wanted` headers (lower-case names): undefined while
 * incomplete, 'not-http' when it never will be. Read as bytes: only the values used become strings.
 */
function readHttpMessage(stream: Uint8Array, wanted: readonly Uint8Array[]): HttpMessage | 'not-http' | undefined {
	const headEnd = indexOfHeadEnd(stream);
	if (headEnd < 0) return stream.length > headerLimit ? 'not-http' : undefined;
	let lineEnd = indexOfLineEnd(stream, 0, headEnd);
	if (!isRequestLine(stream, lineEnd) && !isStatusLine(stream, lineEnd)) return 'not-http';
	const headers: (Uint8Array | undefined)[] = [];
	while (lineEnd < headEnd) {
		const lineStart = lineEnd + 2;
		lineEnd = indexOfLineEnd(stream, lineStart, headEnd);
		const colon = stream.indexOf(0x3a, lineStart);
		if (colon <= lineStart || colon >= lineEnd) continue;
		for (let index = 0; index < wanted.length; index++) {
			if (namedAt(stream, lineStart, colon, wanted[index]!)) headers[index] = stream.subarray(colon + 1, lineEnd);
		}
	}
	const bodyStart = headEnd + 4;
	const lengthValue = headers[contentLength];
	const length = lengthValue === undefined ? 0 : Number(headerText(lengthValue));
	if (!Number.isFinite(length) || length < 0) return {headers, body: new Uint8Array(0)};
	const bodyEnd = bodyStart + Math.min(length, headerLimit);
	return {headers, body: stream.length >= bodyEnd ? stream.subarray(bodyStart, bodyEnd) : undefined};
}

/** `POST|GET <target> HTTP/1.0|1.1` filling [0, end). */
function isRequestLine(stream: Uint8Array, end: number): boolean {
	const method = requestMethods.find((candidate) => startsWith(stream, 0, candidate));
	if (method === undefined) return false;
	let at = method.length;
	while (at < end && stream[at] !== 0x20 && stream[at] !== 0x09) at++;
	if (at === method.length || stream[at] !== 0x20) return false;
	at++;
	return end === at + httpVersion.length + 1 && startsWith(stream, at, httpVersion) && (stream[end - 1] === 0x30 || stream[end - 1] === 0x31);
}

/** `HTTP/1.0|1.1 <three digits>` at the start of the line ending at `end`. */
function isStatusLine(stream: Uint8Array, end: number): boolean {
	const at = httpVersion.length;
	if (end < at + 5 || !startsWith(stream, 0, httpVersion)) return false;
	if (stream[at] !== 0x30 && stream[at] !== 0x31) return false;
	if (stream[at + 1] !== 0x20) return false;
	for (let digit = at + 2; digit < at + 5; digit++) if (stream[digit]! < 0x30 || stream[digit]! > 0x39) return false;
	return true;
}

function indexOfLineEnd(stream: Uint8Array, start: number, headEnd: number): number {
	for (let index = start; index < headEnd; index++) if (stream[index] === 0x0d && stream[index + 1] === 0x0a) return index;
	return headEnd;
}

/** The header name in [start, colon), surrounding blanks ignored, is `name` (lower-case) in any case. */
function namedAt(stream: Uint8Array, start: number, colon: number, name: Uint8Array): boolean {
	let from = start;
	let to = colon;
	while (from < to && isBlank(stream[from]!)) from++;
	while (to > from && isBlank(stream[to - 1]!)) to--;
	if (to - from !== name.length) return false;
	for (let index = 0; index < name.length; index++) {
		const byte = stream[from + index]!;
		if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== name[index]) return false;
	}
	return true;
}

function isBlank(byte: number): boolean {
	return byte === 0x20 || byte === 0x09;
}

function indexOfHeadEnd(stream: Uint8Array): number {
	const limit = Math.min(stream.length, headerLimit) - 3;
	for (let index = 0; index < limit; index++) {
		if (stream[index] === 0x0d && stream[index + 1] === 0x0a && stream[index + 2] === 0x0d && stream[index + 3] === 0x0a) return index;
	}
	return -1;
}

/** The mining method a JSON-RPC body (single call or batch) invokes, if any. */
function miningMethodOf(body: Uint8Array): string | undefined {
	// Most HTTP bodies are not mining calls: look for a method name before paying for JSON.parse.
	if (!mentionsMiningMethod.test(latin1.decode(body))) return undefined;
	let value: unknown;
	try {
		value = JSON.parse(utf8.decode(body));
	} catch {
		return undefined;
	}
	for (const call of Array.isArray(value) ? value : [value]) {
		const method: unknown = isObject(call) ? call['method'] : undefined;
		if (typeof method === 'string' && miningMethods.has(method)) return method;
	}
	return undefined;
}

function report(flow: FlowView, state: GetworkState, context: DetectContext): void {
	const requester = state.requester;
	if (state.requestEvidence.length === 0 || requester === undefined) return;
	context.setFamily(flow, 'getwork');
	// The server's answer is moments away until both request and response were read.
	if (state.requestDone && state.responseDone) context.report(flow, findingOf(state, requester));
	else context.hold(flow, state.stage ??= () => findingOf(state, requester));
}

function findingOf(state: GetworkState, requester: Side): Finding {
	const hasMethod = state.requestEvidence[0]!.startsWith('content: HTTP JSON-RPC');
	const requestCertainty = hasMethod && state.requestEvidence.length > 1 ? 85 : hasMethod ? 80 : 75;
	return {
		kind: 'mining',
		protocol: 'getwork',
		actor: requester,
		certainty: state.responseEvidence.length > 0 ? 95 : requestCertainty,
		evidence: [...state.requestEvidence, ...state.responseEvidence],
		agent: state.agent,
	};
}
