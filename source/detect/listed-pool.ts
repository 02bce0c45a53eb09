// A TCP connection kept open to an address listed in `--pools`: a listed address is a pool by the
// operator's word, so a long session with traffic both ways is a miner's, whatever it carries
// (Stratum over TLS with an SNI, a proxy's own framing, a protocol no other detector reads). A
// short visit (the pool's web page on the same address) is not.
import type {FlowView, Side} from '../flows/flow-view.js';
import {otherSide, type DetectContext, type Detector} from './detector.js';

/** Capture time a connection to a listed pool must stay open: miners hold theirs for hours, page loads and API calls seconds. */
export const longLivedMicros = 60_000_000;

export const listedPoolDetector: Detector = {
	name: 'listed-pool',
	inspectStream(flow, _side, context) {
		if (poolSideOf(flow, context) === undefined) return false;
		return !reportIfLongLived(flow, context);
	},
	flowEnded(flow, context) {
		reportIfLongLived(flow, context);
	},
};

/** The listed side: the server, or the client of a flow the capture joined mid-connection (its orientation is a guess). */
function poolSideOf(flow: FlowView, context: DetectContext): Side | undefined {
	if (context.isListedPool(flow.serverAddress)) return 'server';
	if (!flow.sawSyn && context.isListedPool(flow.clientAddress)) return 'client';
	return undefined;
}

function reportIfLongLived(flow: FlowView, context: DetectContext): boolean {
	const poolSide = poolSideOf(flow, context);
	if (poolSide === undefined) return false;
	const duration = flow.lastSeenMicros - flow.firstSeenMicros;
	const bothWays = flow.flights.some((flight) => flight.side === 'client') && flow.flights.some((flight) => flight.side === 'server');
	if (duration < longLivedMicros || !bothWays) return false;
	context.report(flow, {
		kind: 'mining',
		protocol: 'tcp',
		actor: otherSide(poolSide),
		certainty: 60,
		evidence: [
			listedPoolEvidence(poolSide === 'server' ? flow.serverAddress : flow.clientAddress),
			`shape: a connection kept open ${Math.floor(duration / 1_000_000)} s with traffic both ways`,
		],
	});
	return true;
}

export function listedPoolEvidence(address: string): string {
	return `reputation: ${address} is a pool address listed in --pools`;
}
