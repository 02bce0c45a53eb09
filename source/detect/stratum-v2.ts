// Stratum V2 by handshake shape: its Noise NX handshake is a 64-byte client key answered by exactly
// 234 bytes (64 + 80 + 90, SRI noise_sv2), then encrypted frames. Nothing readable follows, so this
// is low-certainty shape evidence; a known SV2 port adds a little. A port alone never alerts.
import type {Detector} from './detector.js';

const clientKeyBytes = 64;
const serverReplyBytes = 234;
const sv2Ports = new Set([3336, 34254, 34255]);
/** Distinct byte values expected in 64 random bytes is ~57; text or structured data has far fewer. */
const minDistinctBytes = 40;

export const stratumV2Detector: Detector = {
	name: 'stratum-v2',
	mayMatch(flow, side, first) {
		// The shape is only known from the connection's first byte on.
		return flow.sawSyn && side === 'client' && (first.length < clientKeyBytes || (first.length === clientKeyBytes && looksRandom(first)));
	},
	inspectStream(flow, _side, context) {
		// The shape is only known from the connection's first byte on.
		if (!flow.sawSyn) return false;
		const flights = flow.flights;
		const first = flights[0];
		if (first === undefined) return true;
		if (first.side !== 'client' || first.bytes > clientKeyBytes) return false;
		const reply = flights[1];
		if (reply === undefined) return true;
		if (first.bytes !== clientKeyBytes || reply.bytes > serverReplyBytes) return false;
		if (flights[2] === undefined) return true;
		if (reply.bytes !== serverReplyBytes) return false;
		if (!looksRandom(flow.stream('client').subarray(0, clientKeyBytes))) return false;
		const evidence = ['shape: 64-byte client key answered by a 234-byte Noise handshake, then encrypted frames (Stratum V2)'];
		const onSv2Port = sv2Ports.has(flow.serverPort);
		if (onSv2Port) evidence.push(`port: ${flow.serverPort} is a Stratum V2 port`);
		context.setFamily(flow, 'stratum-v2');
		context.report(flow, {
			kind: 'mining',
			protocol: 'stratum-v2',
			actor: 'client',
			certainty: onSv2Port ? 45 : 30,
			evidence,
		});
		context.settle(flow);
		return false;
	},
};

function looksRandom(bytes: Uint8Array): boolean {
	if (bytes.length < clientKeyBytes) return false;
	const seen = new Set<number>();
	for (const byte of bytes) seen.add(byte);
	return seen.size >= minDistinctBytes;
}

