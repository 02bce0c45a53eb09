// Host names seen on the wire (DNS questions, TLS server names), each decoded, made safe to show and
// matched against the pool list once: the same few names come back in flow after flow, and are
// found again by their bytes, so a name already seen makes no string at all.
import {maxDisplayLength, toDisplay} from '../model/sanitize.js';
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
/** The same as latin1 for the printable ASCII it is given. */
const windows1252 = new TextDecoder('latin1');

/** Printable ASCII (0x20-0x7e) and short enough to show whole. */
function isPlainText(bytes: Uint8Array, start: number, end: number): boolean {
	if (end - start > maxDisplayLength) return false;
	for (let index = start; index < end; index++) {
		const byte = bytes[index]!;
		if (byte < 0x20 || byte > 0x7e) return false;
	}
	return true;
}

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
		return this.learn(bytes, start, end, encoding, key);
	}

	/** A name not in the book: its text, made once, and its pool-list match. */
	private learn(bytes: Uint8Array, start: number, end: number, encoding: NameEncoding, key: number): Entry {
		const view = bytes.subarray(start, end);
		let entry: Entry;
		if (isPlainText(bytes, start, end)) {
			// Printable ASCII, nearly every name: the same text in either encoding, and already what
			// toDisplay would make of it (nothing to escape, not too long), so no decoding or scan.
			const text = windows1252.decode(view);
			entry = {display: text, match: this.pools.matchName(text), bytes: text, encoding};
		} else {
			// Latin1 by hand: TextDecoder('latin1') is windows-1252, which turns 0x80-0x9f into other characters.
			const latin1 = String.fromCharCode(...view);
			const raw = encoding === 'utf-8' ? utf8.decode(view) : latin1;
			entry = {display: toDisplay(raw), match: this.pools.matchName(raw), bytes: latin1, encoding};
		}
		this.entries.set(key, entry);
		return entry;
	}
}
