// What each host exchanged with each of its peers (flows started, wire bytes), for a host's detail
// view. One book for the whole host table, in typed arrays: tallies are chained to their host, and
// a host with more than one peer has them in an open-addressing index on (host slot, peer address
// hash); most hosts (a server seen once) have a single peer and never touch the index. Recording a
// peer allocates nothing, and an evicted host's tallies go back to the free list at once. Flows
// refer to a tally by number and generation, so a reused tally number is never mistaken for theirs.
import {formatAddressWords} from '../decode/ip-address-text.js';
import {SlotIndex} from './slot-index.js';
import {grownInt32Array} from './typed-growth.js';

export interface PeerTotals {
	address: string;
	internal: boolean;
	flows: number;
	bytes: number;
}

const none = -1;
const initialTallies = 256;

/**
 * A tally's record is 64 bytes, one cache line when aligned: 16 int32 words, the last four of
 * which also hold the byte count as a float64 (a count of bytes outgrows 32 bits).
 */
const enum Field {
	owner = 0,
	nextOfOwner = 1,
	/** Counts the tallies the record has held, so a flow's remembered number can be checked. */
	generation = 2,
	key = 3,
	peerHash = 4,
	ipVersion = 5,
	internal = 6,
	flows = 7,
	/** The peer's address words as signed 32-bit numbers (IPv4: the first only). */
	w0 = 8,
}
const intsPerTally = 16;
/** The byte count's index in the float64 view. */
const bytesFloat = 6;
const floatsPerTally = intsPerTally / 2;

export class PeerBook {
	private readonly index = new SlotIndex();
	private readonly freeTallies: number[] = [];
	private used = 0;
	private ints = new Int32Array(initialTallies * intsPerTally);
	private floats = new Float64Array(this.ints.buffer);
	/** Per host slot: the newest tally of the host and how many it has. */
	private headOf = new Int32Array(0);
	private countOf = new Int32Array(0);

	/** Makes room for host slots below `hosts`. */
	growHosts(hosts: number): void {
		if (hosts <= this.headOf.length) return;
		this.headOf = grownInt32Array(this.headOf, hosts, none);
		this.countOf = grownInt32Array(this.countOf, hosts, 0);
	}

	peerCount(host: number): number {
		return this.countOf[host]!;
	}

	/**
	 * Counts one more flow between `host` and the peer whose address is `peerWords[offset, offset + 4)`
	 * (IPv4: the first word), returning its tally; -1 when the host already has `peerCap` peers, or
	 * when another of its peers has the same address hash (that peer keeps the tally).
	 */
	countFlow(host: number, peerHash: number, ipVersion: number, peerWords: Float64Array, offset: number, internal: boolean, peerCap: number): number {
		const key = pairKey(host, peerHash);
		const count = this.countOf[host]!;
		const found = count === 0 ? none : count === 1 ? this.onlyTally(host, peerHash) : this.indexedTally(host, key, peerHash);
		if (found >= 0) {
			if (!this.isAddress(found * intsPerTally, ipVersion, peerWords, offset)) return none;
			this.ints[found * intsPerTally + Field.flows]++;
			return found;
		}
		if (count >= peerCap) return none;
		const tally = this.allocate();
		const ints = this.ints;
		const base = tally * intsPerTally;
		const wide = ipVersion === 6;
		ints[base + Field.owner] = host;
		ints[base + Field.nextOfOwner] = this.headOf[host]!;
		ints[base + Field.key] = key;
		ints[base + Field.peerHash] = peerHash;
		ints[base + Field.ipVersion] = ipVersion;
		ints[base + Field.internal] = internal ? 1 : 0;
		ints[base + Field.flows] = 1;
		ints[base + Field.w0] = peerWords[offset]!;
		ints[base + Field.w0 + 1] = wide ? peerWords[offset + 1]! : 0;
		ints[base + Field.w0 + 2] = wide ? peerWords[offset + 2]! : 0;
		ints[base + Field.w0 + 3] = wide ? peerWords[offset + 3]! : 0;
		this.floats[tally * floatsPerTally + bytesFloat] = 0;
		if (count === 1) {
			const first = this.headOf[host]!;
			this.index.insert(ints[first * intsPerTally + Field.key]!, first);
		}
		this.headOf[host] = tally;
		this.countOf[host] = count + 1;
		if (count >= 1) this.index.insert(key, tally);
		return tally;
	}

	generation(tally: number): number {
		return this.ints[tally * intsPerTally + Field.generation]!;
	}

	/** Adds wire bytes to a tally a flow holds, unless the tally was dropped since (generation changed). */
	addBytes(tally: number, generation: number, wireBytes: number): void {
		if (tally >= 0 && this.ints[tally * intsPerTally + Field.generation] === generation) this.floats[tally * floatsPerTally + bytesFloat] += wireBytes;
	}

	/** Forgets every tally of an evicted host. */
	dropHost(host: number): void {
		const ints = this.ints;
		const indexed = this.countOf[host]! > 1;
		for (let tally = this.headOf[host]!; tally >= 0;) {
			const base = tally * intsPerTally;
			if (indexed) this.index.remove(ints[base + Field.key]!, tally);
			ints[base + Field.generation]++;
			this.freeTallies.push(tally);
			tally = ints[base + Field.nextOfOwner]!;
		}
		this.headOf[host] = none;
		this.countOf[host] = 0;
	}

	/** The host's peers, in the order they were first seen. */
	peersOf(host: number): PeerTotals[] {
		const ints = this.ints;
		const peers: PeerTotals[] = [];
		for (let tally = this.headOf[host]!; tally >= 0;) {
			const base = tally * intsPerTally;
			const words = base + Field.w0;
			peers.push({
				address: formatAddressWords(ints[base + Field.ipVersion]!, ints, words),
				internal: ints[base + Field.internal] === 1,
				flows: ints[base + Field.flows]!,
				bytes: this.floats[tally * floatsPerTally + bytesFloat]!,
			});
			tally = ints[base + Field.nextOfOwner]!;
		}
		return peers.reverse();
	}

	/** The tally of a host with one peer, if that peer has this address hash; else -1. */
	private onlyTally(host: number, peerHash: number): number {
		const tally = this.headOf[host]!;
		return this.ints[tally * intsPerTally + Field.peerHash] === peerHash ? tally : none;
	}

	private indexedTally(host: number, key: number, peerHash: number): number {
		const index = this.index;
		const ints = this.ints;
		for (let at = index.start(key); ; at = index.next(at)) {
			const tally = index.slotAt(at);
			if (tally < 0) return none;
			const base = tally * intsPerTally;
			if (index.hashAt(at) === key && ints[base + Field.owner] === host && ints[base + Field.peerHash] === peerHash) return tally;
		}
	}

	private isAddress(base: number, ipVersion: number, peerWords: Float64Array, offset: number): boolean {
		const ints = this.ints;
		const words = base + Field.w0;
		if (ints[base + Field.ipVersion] !== ipVersion || ints[words] !== (peerWords[offset]! | 0)) return false;
		return ipVersion !== 6 || (ints[words + 1] === (peerWords[offset + 1]! | 0) && ints[words + 2] === (peerWords[offset + 2]! | 0) && ints[words + 3] === (peerWords[offset + 3]! | 0));
	}

	private allocate(): number {
		if (this.freeTallies.length > 0) return this.freeTallies.pop()!;
		const tally = this.used++;
		if ((tally + 1) * intsPerTally > this.ints.length) {
			this.ints = grownInt32Array(this.ints, this.ints.length * 2, 0);
			this.floats = new Float64Array(this.ints.buffer);
		}
		return tally;
	}
}

function pairKey(host: number, peerHash: number): number {
	const mixed = Math.imul(peerHash ^ Math.imul(host, 0x85ebca6b), 0x9e3779b1);
	return (mixed ^ (mixed >>> 15)) & 0x7fffffff;
}
