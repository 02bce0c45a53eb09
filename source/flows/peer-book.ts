// What each host exchanged with each of its peers (flows started, wire bytes), for a host's detail
// view. One book for the whole host table, in typed arrays: a tally is found through an
// open-addressing index on (host slot, peer address hash) and chained to its host, so recording a
// peer allocates nothing, and an evicted host's tallies go back to the free list at once. Flows
// refer to a tally by number and generation, so a reused tally number is never mistaken for theirs.
import {formatIpv4, formatIpv6} from '../decode/ip-address-text.js';
import {SlotIndex} from './slot-index.js';
import {grownFloat64Array, grownInt32Array, grownUint32Array, grownUint8Array} from './typed-growth.js';

export interface PeerTotals {
	address: string;
	internal: boolean;
	flows: number;
	bytes: number;
}

const none = -1;
const initialTallies = 256;

export class PeerBook {
	private readonly index = new SlotIndex();
	private readonly freeTallies: number[] = [];
	private used = 0;
	/** Per tally. */
	private owners = new Int32Array(initialTallies);
	private nextOfOwner = new Int32Array(initialTallies);
	private generations = new Uint32Array(initialTallies);
	private keys = new Int32Array(initialTallies);
	private peerHashes = new Int32Array(initialTallies);
	private versions = new Uint8Array(initialTallies);
	private internals = new Uint8Array(initialTallies);
	private words = new Uint32Array(initialTallies * 4);
	private flows = new Float64Array(initialTallies);
	private bytes = new Float64Array(initialTallies);
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
		for (let at = index.start(key); ; at = index.next(at)) {
			const tally = index.slotAt(at);
			if (tally < 0) break;
			if (index.hashAt(at) !== key || this.owners[tally] !== host || this.peerHashes[tally] !== peerHash) continue;
			if (!this.isAddress(tally, ipVersion, peerWords, offset)) return none;
			this.flows[tally]++;
			return tally;
		}
		if (this.countOf[host]! >= peerCap) return none;
		const tally = this.allocate();
		this.owners[tally] = host;
		this.keys[tally] = key;
		this.peerHashes[tally] = peerHash;
		this.versions[tally] = ipVersion;
		this.internals[tally] = internal ? 1 : 0;
		const base = tally * 4;
		this.words[base] = peerWords[offset]!;
		this.words[base + 1] = ipVersion === 6 ? peerWords[offset + 1]! : 0;
		this.words[base + 2] = ipVersion === 6 ? peerWords[offset + 2]! : 0;
		this.words[base + 3] = ipVersion === 6 ? peerWords[offset + 3]! : 0;
		this.flows[tally] = 1;
		this.bytes[tally] = 0;
		this.nextOfOwner[tally] = this.headOf[host]!;
		this.headOf[host] = tally;
		this.countOf[host]++;
		index.insert(key, tally);
		return tally;
	}

	generation(tally: number): number {
		return this.generations[tally]!;
	}

	/** Adds wire bytes to a tally a flow holds, unless the tally was dropped since (generation changed). */
	addBytes(tally: number, generation: number, wireBytes: number): void {
		if (tally >= 0 && this.generations[tally] === generation) this.bytes[tally] += wireBytes;
	}

	/** Forgets every tally of an evicted host. */
	dropHost(host: number): void {
		for (let tally = this.headOf[host]!; tally >= 0; tally = this.nextOfOwner[tally]!) {
			this.index.remove(this.keys[tally]!, tally);
			this.generations[tally]++;
			this.freeTallies.push(tally);
		}
		this.headOf[host] = none;
		this.countOf[host] = 0;
	}

	/** The host's peers, in the order they were first seen. */
	peersOf(host: number): PeerTotals[] {
		const peers: PeerTotals[] = [];
		for (let tally = this.headOf[host]!; tally >= 0; tally = this.nextOfOwner[tally]!) {
			const base = tally * 4;
			const words = this.words;
			peers.push({
				address: this.versions[tally] === 6 ? formatIpv6(words[base]!, words[base + 1]!, words[base + 2]!, words[base + 3]!) : formatIpv4(words[base]!),
				internal: this.internals[tally] === 1,
				flows: this.flows[tally]!,
				bytes: this.bytes[tally]!,
			});
		}
		return peers.reverse();
	}

	private isAddress(tally: number, ipVersion: number, peerWords: Float64Array, offset: number): boolean {
		const base = tally * 4;
		if (this.versions[tally] !== ipVersion || this.words[base] !== peerWords[offset]) return false;
		return ipVersion !== 6 || (this.words[base + 1] === peerWords[offset + 1] && this.words[base + 2] === peerWords[offset + 2] && this.words[base + 3] === peerWords[offset + 3]);
	}

	private allocate(): number {
		if (this.freeTallies.length > 0) return this.freeTallies.pop()!;
		const tally = this.used++;
		if (tally >= this.owners.length) this.grow(this.owners.length * 2);
		return tally;
	}

	private grow(tallies: number): void {
		this.owners = grownInt32Array(this.owners, tallies, 0);
		this.nextOfOwner = grownInt32Array(this.nextOfOwner, tallies, 0);
		this.generations = grownUint32Array(this.generations, tallies);
		this.keys = grownInt32Array(this.keys, tallies, 0);
		this.peerHashes = grownInt32Array(this.peerHashes, tallies, 0);
		this.versions = grownUint8Array(this.versions, tallies);
		this.internals = grownUint8Array(this.internals, tallies);
		this.words = grownUint32Array(this.words, tallies * 4);
		this.flows = grownFloat64Array(this.flows, tallies);
		this.bytes = grownFloat64Array(this.bytes, tallies);
	}
}

function pairKey(host: number, peerHash: number): number {
	const mixed = Math.imul(peerHash ^ Math.imul(host, 0x85ebca6b), 0x9e3779b1);
	return (mixed ^ (mixed >>> 15)) & 0x7fffffff;
}
