// DNS over UDP and TCP (DNS, mDNS and LLMNR ports): every A/AAAA answer teaches the engine a host name; a mining-pool name is a
// pool lookup (and its addresses are remembered, so later flows to them carry the pool's name); a
// Bitcoin or Litecoin DNS seed is a node starting up.
import type {FlowView, Side} from '../flows/flow-view.js';
import {toDisplay} from '../model/sanitize.js';
import {otherSide, type DetectContext, type Detector} from './detector.js';
import {parseDnsMessage, type DnsMessage} from './dns-message.js';

const dnsPorts = new Set([53, 5353, 5355]);

interface DnsState {
	messages: number;
	/** Pool or seed questions not yet answered, by query id. */
	unanswered: Map<number, Side>;
	names: Map<number, string>;
	tcpOffsets: Record<Side, number>;
}

const states = new WeakMap<FlowView, DnsState>();

function stateOf(flow: FlowView): DnsState {
	let state = states.get(flow);
	if (state === undefined) {
		state = {messages: 0, unanswered: new Map(), names: new Map(), tcpOffsets: {client: 0, server: 0}};
		states.set(flow, state);
	}
	return state;
}

function onDnsPort(flow: FlowView): boolean {
	return dnsPorts.has(flow.serverPort) || dnsPorts.has(flow.clientPort);
}

export const dnsDetector: Detector = {
	name: 'dns',
	inspectDatagram(flow, side, payload, context) {
		if (!onDnsPort(flow)) return false;
		const message = parseDnsMessage(payload);
		if (message === undefined) return true;
		const state = stateOf(flow);
		state.messages++;
		inspectMessage(flow, side, message, state, context);
		return true;
	},
	inspectStream(flow, side, context) {
		if (flow.serverPort !== 53 && flow.clientPort !== 53) return false;
		const state = stateOf(flow);
		const stream = flow.stream(side);
		let at = state.tcpOffsets[side];
		while (at + 2 <= stream.length) {
			const length = (stream[at]! << 8) | stream[at + 1]!;
			if (at + 2 + length > stream.length) break;
			const message = parseDnsMessage(stream.subarray(at + 2, at + 2 + length));
			if (message === undefined) return false;
			state.messages++;
			inspectMessage(flow, side, message, state, context);
			at += 2 + length;
		}
		state.tcpOffsets[side] = at;
		return true;
	},
	flowEnded(flow, context) {
		const state = states.get(flow);
		if (state === undefined) return;
		for (const [id, querier] of state.unanswered) reportLookup(flow, querier, state.names.get(id)!, [], context);
		state.unanswered.clear();
	},
};

function inspectMessage(flow: FlowView, side: Side, message: DnsMessage, state: DnsState, context: DetectContext): void {
	const match = context.pools.matchName(message.question);
	if (!message.isResponse) {
		if (match !== undefined && state.unanswered.size < 64) {
			state.unanswered.set(message.id, side);
			state.names.set(message.id, message.question);
		}
		return;
	}
	const name = toDisplay(message.question);
	for (const address of message.addresses) context.learnName(address, name, match);
	if (match === undefined) return;
	state.unanswered.delete(message.id);
	reportLookup(flow, otherSide(side), message.question, message.addresses, context);
}

function reportLookup(flow: FlowView, querier: Side, question: string, addresses: string[], context: DetectContext): void {
	const match = context.pools.matchName(question);
	if (match === undefined) return;
	const name = toDisplay(question);
	const answer = addresses.length > 0 ? ` → ${addresses.slice(0, 3).join(', ')}${addresses.length > 3 ? ', …' : ''}` : ' (no answer seen)';
	if (match.kind === 'seed') {
		context.report(flow, {
			kind: 'node',
			protocol: 'dns',
			actor: querier,
			certainty: 40,
			evidence: [`reputation: DNS lookup of ${match.network} seed ${name}${answer}`],
			network: match.network,
			tentative: true,
		});
		return;
	}
	context.setFamily(flow, 'pool-dns');
	context.report(flow, {
		kind: 'pool-lookup',
		protocol: 'dns',
		actor: querier,
		certainty: 60,
		evidence: [`reputation: DNS lookup of mining pool ${name} (${match.entry})${answer}`],
		peerName: name,
		peerAddress: addresses[0],
		tentative: true,
	});
}
