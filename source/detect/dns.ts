// DNS over UDP and TCP (DNS, mDNS and LLMNR ports): every A/AAAA answer teaches the engine a host name; a mining-pool name is a
// pool lookup (and its addresses are remembered, so later flows to them carry the pool's name); a
// Bitcoin or Litecoin DNS seed is a node starting up.
import type {FlowView, Side} from '../flows/flow-view.js';
import {otherSide, type DetectContext, type Detector} from './detector.js';
import {parseDnsMessage, type DnsMessage} from './dns-message.js';
import {FlowStates} from './flow-states.js';
import type {SeenName} from './name-book.js';
import {formatIpv4} from '../decode/ip-address-text.js';

const dnsPorts = new Set([53, 5353, 5355]);

/** Kept only for flows with pool or seed questions in flight, or DNS over TCP. */
interface DnsState {
	/** Pool or seed questions not yet answered: query id → [asking side, question]. */
	unanswered: Map<number, [Side, SeenName]>;
	tcpOffsets: Record<Side, number>;
}

const states = new FlowStates<DnsState>();

function stateOf(flow: FlowView): DnsState {
	return states.get(flow) ?? states.set(flow, {unanswered: new Map(), tcpOffsets: {client: 0, server: 0}});
}

function onDnsPort(flow: FlowView): boolean {
	return dnsPorts.has(flow.serverPort) || dnsPorts.has(flow.clientPort);
}

export const dnsDetector: Detector = {
	name: 'dns',
	mayMatch(flow) {
		return flow.transport === 'udp' ? onDnsPort(flow) : flow.serverPort === 53 || flow.clientPort === 53;
	},
	inspectDatagram(flow, side, payload, context) {
		const message = parseDnsMessage(payload);
		if (message !== undefined) inspectMessage(flow, side, message, context);
		return true;
	},
	inspectStream(flow, side, context) {
		const state = stateOf(flow);
		const stream = flow.stream(side);
		let at = state.tcpOffsets[side];
		while (at + 2 <= stream.length) {
			const length = (stream[at]! << 8) | stream[at + 1]!;
			if (at + 2 + length > stream.length) break;
			const message = parseDnsMessage(stream.subarray(at + 2, at + 2 + length));
			if (message === undefined) return false;
			inspectMessage(flow, side, message, context);
			at += 2 + length;
		}
		state.tcpOffsets[side] = at;
		return true;
	},
	flowEnded(flow, context) {
		const state = states.get(flow);
		if (state === undefined) return;
		for (const [querier, name] of state.unanswered.values()) reportLookup(flow, querier, name, [], context);
		state.unanswered.clear();
	},
	release(flow) {
		states.delete(flow);
	},
};

function inspectMessage(flow: FlowView, side: Side, message: DnsMessage, context: DetectContext): void {
	const name = context.nameIn(message.question, 0, message.questionLength, 'latin1');
	if (!message.isResponse) {
		if (name.match === undefined) return;
		const {unanswered} = stateOf(flow);
		if (unanswered.size < 64) unanswered.set(message.id, [side, name]);
		return;
	}
	for (let index = 0; index < message.answerCount; index++) {
		const answer = message.answers[index]!;
		context.learnName(answer >= 0 ? answer : message.ipv6[-answer - 1]!, name);
	}
	if (name.match === undefined) return;
	states.get(flow)?.unanswered.delete(message.id);
	reportLookup(flow, otherSide(side), name, answerTexts(message), context);
}

function answerTexts(message: DnsMessage): string[] {
	const texts: string[] = [];
	for (let index = 0; index < message.answerCount; index++) {
		const answer = message.answers[index]!;
		texts.push(answer >= 0 ? formatIpv4(answer) : message.ipv6[-answer - 1]!);
	}
	return texts;
}

function reportLookup(flow: FlowView, querier: Side, name: SeenName, addresses: string[], context: DetectContext): void {
	const {display, match} = name;
	if (match === undefined) return;
	const answer = addresses.length > 0 ? ` → ${addresses.slice(0, 3).join(', ')}${addresses.length > 3 ? ', …' : ''}` : ' (no answer seen)';
	if (match.kind === 'seed') {
		context.report(flow, {
			kind: 'node',
			protocol: 'dns',
			actor: querier,
			certainty: 40,
			evidence: [`reputation: DNS lookup of ${match.network} seed ${display}${answer}`],
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
		evidence: [`reputation: DNS lookup of ${match.service} ${display} (${match.entry})${answer}`],
		peerName: display,
		peerAddress: addresses[0],
		tentative: true,
	});
}
