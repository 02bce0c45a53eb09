// Host names seen on the wire (DNS questions, TLS server names), each made safe to show and matched
// against the pool list once: the same few names come back in flow after flow, and sanitizing and
// matching a name cost several times what finding it again does.
import {toDisplay} from '../model/sanitize.js';
import {BoundedMap} from './bounded-map.js';
import type {NameMatch, PoolList} from './pool-list.js';

export interface SeenName {
	/** The name through `toDisplay`. */
	readonly display: string;
	/** Set when the name is a mining pool or a DNS seed. */
	readonly match: NameMatch | undefined;
}

/** Distinct names remembered; the oldest is worked out again when it comes back. */
const maxNames = 16_384;

export class NameBook {
	private readonly seen = new BoundedMap<string, SeenName>(maxNames);

	constructor(private readonly pools: PoolList) {}

	/** `raw`, as network text (not yet sanitized). */
	nameOf(raw: string): SeenName {
		let name = this.seen.get(raw);
		if (name === undefined) {
			name = {display: toDisplay(raw), match: this.pools.matchName(raw)};
			this.seen.set(raw, name);
		}
		return name;
	}
}
