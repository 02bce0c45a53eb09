// How bad a detection is: severity from what was detected, which way it points across the home
// network boundary, and how certain it is. Kept in one table so the README can quote it.
import type {Detection, Direction, Severity} from '../model/messages.js';
import {severities} from '../model/messages.js';

const table: Record<Detection, Record<Direction, Severity>> = {
	// An internal host mining through an outside pool is the case this tool exists for.
	'mining': {'internal-external': 'high', 'internal-internal': 'medium', 'external-internal': 'medium', 'external-external': 'low'},
	// A home host serving outside miners is a compromised or rogue server.
	'mining-pool': {'internal-external': 'medium', 'internal-internal': 'medium', 'external-internal': 'critical', 'external-external': 'low'},
	'mining-pool-lookup': {'internal-external': 'medium', 'internal-internal': 'medium', 'external-internal': 'low', 'external-external': 'low'},
	// A node reachable from outside (accepting inbound P2P) is more exposed than one that only dials out.
	'bitcoin-node': {'internal-external': 'medium', 'internal-internal': 'low', 'external-internal': 'high', 'external-external': 'low'},
	'crypto-node': {'internal-external': 'medium', 'internal-internal': 'low', 'external-internal': 'high', 'external-external': 'low'},
};

/** Below this certainty (shape-only or lookup-only evidence) the severity drops one step. */
const weakCertainty = 50;

export function severityOf(detection: Detection, direction: Direction, certainty: number): Severity {
	const base = table[detection][direction];
	if (certainty >= weakCertainty) return base;
	return severities[Math.max(0, severities.indexOf(base) - 1)]!;
}

const directions: readonly Direction[] = ['external-external', 'external-internal', 'internal-external', 'internal-internal'];

export function directionOf(fromInternal: boolean, toInternal: boolean): Direction {
	return directions[(fromInternal ? 2 : 0) + (toInternal ? 1 : 0)]!;
}
