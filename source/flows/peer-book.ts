// What each host exchanged with each of its peers (flows started, wire bytes), for a host's detail
// view. One book for the whole host table, in typed arrays: tallies are chained to their host, and
// a host with more than one peer has them in an open-addressing index on (host slot, peer address
// hash); most hosts (a server seen once) have a single peer and never touch the index. Recording a
// peer allocates nothing, and an evicted host's tallies go back to the free list at once. Flows
// refer to a tally by number and generation, so a reused tally number is never mistaken for theirs.
import {formatIpv4, formatIpv6} from '../decode/ip-address-text.js';
import {SlotIndex} from './slot-index.js';
import {grownFloat64Array, grownInt32Array} from './typed-growth.js';

export interface PeerTotals {
	address: string;
	internal: boolean;
	flows: number;
	bytes: number;
}

const none = -1;
const initialTallies = 256;

/** Offsets in a tally's record; one record is a cache line or two, written together. */
const field = {
	owner: 0,
	nextOfOwner: 1,
	/** Counts the tallies the record has held, so a flow's remembered number can be checked. */
	generation: 2,
	key: 3,
	peerHash: 4,
	ipVersion: 5,
	internal: 6,
	/** The peer's address words (IPv4: the first only). */
	w0: 7,
	flows: 11,
	bytes: 12,
} as const;
const stride = 13;

export class PeerBook {
	private readonly index = new SlotIndex();
	private readonly freeTallies: number[] = [];
	private used = 0;
	private records = new Float64Array(initialTallies * stride);
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
		const index = this.index;
		const count = this.countOf[host]!;
		const found = count === 0 ? none : count === 1 ? this.onlyTally(host, peerHash) : this.indexedTally(host, key, peerHash);
		if (found >= 0) {
			const base = found * stride;
			if (!this.isAddress(base, ipVersion, peerWords, offset)) return none;
			this.records[base + field.flows]++;
			return found;
		}
		if (count >= peerCap) return none;
		const tally = this.allocate();
		const records = this.records;
		const base = tally * stride;
		records[base + field.owner] = host;
		records[base + field.nextOfOwner] = this.headOf[host]!;
		records[base + field.key] = key;
		records[base + field.peerHash] = peerHash;
		records[base + field.ipVersion] = ipVersion;
		records[base + field.internal] = internal ? 1 : 0;
		records[base + field.w0] = peerWords[offset]!;
		records[base + field.w0 + 1] = ipVersion === 6 ? peerWords[offset + 1]! : 0;
		records[base + field.w0 + 2] = ipVersion === 6 ? peerWords[offset + 2]! : 0;
		records[base + field.w0 + 3] = ipVersion === 6 ? peerWords[offset + 3]! : 0;
		records[base + field.flows] = 1;
		records[base + field.bytes] = 0;
		if (count === 1) {
			const first = this.headOf[host]!;
			index.insert(records[first * stride + field.key]!, first);
		}
		this.headOf[host] = tally;
		this.countOf[host] = count + 1;
		if (count >= 1) index.insert(key, tally);
		return tally;
	}

	generation(tally: number): number {
		return this.records[tally * stride + field.generation]!;
	}

	/** Adds wire bytes to a tally a flow holds, unless the tally was dropped since (generation changed). */
	addBytes(tally: number, generation: number, wireBytes: number): void {
		if (tally < 0) return;
		const base = tally * stride;
		if (this.records[base + field.generation] === generation) this.records[base + field.bytes] += wireBytes;
	}

	/** Forgets every tally of an evicted host. */
	dropHost(host: number): void {
		const records = this.records;
		const indexed = this.countOf[host]! > 1;
		for (let tally = this.headOf[host]!; tally >= 0;) {
			const base = tally * stride;
			if (indexed) this.index.remove(records[base + field.key]!, tally);
			records[base + field.generation]++;
			this.freeTallies.push(tally);
			tally = records[base + field.nextOfOwner]!;
		}
		this.headOf[host] = none;
		this.countOf[host] = 0;
	}

	/** The host's peers, in the order they were first seen. */
	peersOf(host: number): PeerTotals[] {
		const records = this.records;
		const peers: PeerTotals[] = [];
		for (let tally = this.headOf[host]!; tally >= 0;) {
			const base = tally * stride;
			const words = base + field.w0;
			peers.push({
				address: records[base + field.ipVersion] === 6
					? formatIpv6(records[words]!, records[words + 1]!, records[words + 2]!, records[words + 3]!)
					: formatIpv4(records[words]!),
				internal: records[base + field.internal] === 1,
				flows: records[base + field.flows]!,
				bytes: records[base + field.bytes]!,
			});
			tally = records[base + field.nextOfOwner]!;
		}
		return peers.reverse();
	}

	/** The tally of a host with one peer, if that peer has this address hash; else -1. */
	private onlyTally(host: number, peerHash: number): number {
		const tally = this.headOf[host]!;
		return this.records[tally * stride + field.peerHash] === peerHash ? tally : none;
	}

	private indexedTally(host: number, key: number, peerHash: number): number {
		const index = this.index;
		const records = this.records;
		for (let at = index.start(key); ; at = index.next(at)) {
			const tally = index.slotAt(at);
			if (tally < 0) return none;
			const base = tally * stride;
			if (index.hashAt(at) === key && records[base + field.owner] === host && records[base + field.peerHash] === peerHash) return tally;
		}
	}

	private isAddress(base: number, ipVersion: number, peerWords: Float64Array, offset: number): boolean {
		const records = this.records;
		const words = base + field.w0;
		if (records[base + field.ipVersion] !== ipVersion || records[words] !== peerWords[offset]) return false;
		return ipVersion !== 6 || (records[words + 1] === peerWords[offset + 1] && records[words + 2] === peerWords[offset + 2] && records[words + 3] === peerWords[offset + 3]);
	}

	private allocate(): number {
		if (this.freeTallies.length > 0) return this.freeTallies.pop()!;
		const tally = this.used++;
		if ((tally + 1) * stride > this.records.length) this.records = grownFloat64Array(this.records, this.records.length * 2);
		return tally;
	}
}

function pairKey(host: number, peerHash: number): number {
	const mixed = Math.imul(peerHash ^ Math.imul(host, 0x85ebca6b), 0x9e3779b1);
	return (mixed ^ (mixed >>> 15)) & 0x7fffffff;
}
