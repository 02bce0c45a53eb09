// Host names seen on the wire (DNS questions, TLS server names), each decoded, made safe to show and
// matched against the pool list once: the same few names come back in flow after flow, and are
// found again by their bytes, so a name already seen makes no string at all.
import {toDisplay} from '../model/sanitize.js';
import {WayTable} from './way-table.js';
import {spells} from './byte-text.js';
import type {NameMatch, PoolList} from './pool-list.js';

export interface SeenName {
	/** The name through `toDisplay`. */
	readonly display: string;
	/** Set when the name is a mining pool or a DNS seed. */
	readonly match: NameMatch | undefined;
}

/** How a name's bytes become text: SNI is UTF-8; DNS labels are bytes, kept as latin1 characters. */
export type NameEncoding = 'utf-8' | 'latin1';

/** What callers get is the entry itself, one object fewer to reach. */
interface Entry extends SeenName {
	/** The name's bytes, one character each: compared in place, where a byte array would be two more hops away. */
	readonly bytes: string;
	readonly encoding: NameEncoding;
}

/** Distinct names remembered; the oldest is worked out again when it comes back. */
const maxNames = 16_384;
const utf8 = new TextDecoder('utf-8');

export class NameBook {
	/** By a hash of the bytes (one entry per hash: a colliding name replaces the other). */
	private readonly entries = new WayTable<Entry>(maxNames);

	constructor(private readonly pools: PoolList) {}

	/** The name in bytes[start, end). */
	nameIn(bytes: Uint8Array, start: number, end: number, encoding: NameEncoding): SeenName {
		let hash = encoding === 'latin1' ? 0x811c9dc5 : 0x050c5d1f;
		for (let index = start; index < end; index++) hash = Math.imul(hash ^ bytes[index]!, 0x01000193);
		const key = hash >>> 0;
		const known = this.entries.get(key);
		if (known !== undefined && known.encoding === encoding && spells(bytes, start, end, known.bytes)) return known;
		const view = bytes.subarray(start, end);
		// Latin1 by hand: TextDecoder('latin1') is windows-1252, which turns 0x80-0x9f into other characters.
		const latin1 = String.fromCharCode(...view);
		const raw = encoding === 'utf-8' ? utf8.decode(view) : latin1;
		const entry: Entry = {display: toDisplay(raw), match: this.pools.matchName(raw), bytes: latin1, encoding};
		this.entries.set(key, entry);
		return entry;
	}
}
