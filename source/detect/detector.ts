// The one small interface every protocol detector implements, and the context through which it
// reports what it found. Detectors keep their own per-flow state (`FlowStates`, keyed by flow id)
// and drop it when the engine releases the flow.
import type {AlertProtocol, ProtocolFamily} from '../model/messages.js';
import type {FlowView, Side} from '../flows/flow-view.js';
import type {NameEncoding, SeenName} from './name-book.js';

export type FindingKind = 'mining' | 'pool-lookup' | 'node';

/** One piece of evidence about one flow. Every string in it has already been through `toDisplay`. */
export interface Finding {
	kind: FindingKind;
	protocol: AlertProtocol;
	/** The side that mines, looks the pool up, or (node findings) opened the P2P connection. */
	actor: Side;
	/** 0..100 */
	certainty: number;
	/** Strongest first, each prefixed with its tier: `content:`, `shape:`, `reputation:` or `port:`. */
	evidence: string[];
	network?: string;
	agent?: string;
	worker?: string;
	algorithm?: string;
	/** The other side's name when the finding itself carries one (SNI, looked-up pool name). */
	peerName?: string;
	/** The alert's peer when it is not the flow's other side (the address a pool name resolved to). */
	peerAddress?: string;
	/** Node findings: the other side's software, when it announced one. */
	peerAgent?: string;
	/** Node findings: the non-actor side accepted this P2P connection, so it is a listening node. */
	peerListens?: boolean;
	/**
	 * Weak on its own (a name lookup): held back briefly and dropped if the host is meanwhile proven
	 * to mine (pool lookups) or to run a node (seed lookups), since it then adds nothing.
	 */
	tentative?: boolean;
}

/** How an address was seen to run a Bitcoin-family node on another flow. */
export interface BitcoinSighting {
	/** It spoke cleartext P2P (checksummed messages), or only looked up a DNS seed. */
	how: 'cleartext-p2p' | 'seed-lookup';
	network: string;
	/** It also advertised NODE_P2P_V2 in its `version`. */
	advertisesV2?: true;
}

/** A node relayed an address and port with NODE_P2P_V2 in a cleartext `addr` or `addrv2`. */
export interface V2Advertisement {
	/** The node that relayed it. */
	by: string;
	command: 'addr' | 'addrv2';
	network: string;
}

/** Makes the finding an exchange under way supports as it stands when called. */
export type Stage = () => Finding;

/** What a detector may do while inspecting a flow. */
export interface DetectContext {
	report(flow: FlowView, finding: Finding): void;
	/**
	 * The flow is partway through an exchange it is expected to complete within moments (a client's
	 * call before the server's answer). The flow's next report replaces the stage, so a whole exchange
	 * raises one alert instead of one and its updates; `stage` is called only if the exchange stops
	 * short: nothing followed within a grace of capture time, or the flow was settled or ended. So
	 * nothing is built for the stages of exchanges that complete, most of them.
	 */
	hold(flow: FlowView, stage: Stage): void;
	/** Count this flow's traffic toward `family` from now on. */
	setFamily(flow: FlowView, family: ProtocolFamily): void;
	/** Nothing more to learn from this flow's payload: stop inspecting it (and stop reassembly). */
	settle(flow: FlowView): void;
	/** The host name in bytes[start, end) (DNS question, SNI), sanitized and matched against the pool list. */
	nameIn(bytes: Uint8Array, start: number, end: number, encoding: NameEncoding): SeenName;
	/** A DNS answer or SNI named `address` (text, or an IPv4 address as its 32-bit value). */
	learnName(address: string | number, name: SeenName): void;
	/** The pool name `address` was learned under (DNS answer) or listed with (`--pools`), if any. */
	poolNameOf(address: string): string | undefined;
	/** Whether `address` is listed in `--pools` (a pool by the operator's word, not by a name seen). */
	isListedPool(address: string): boolean;
	/** Whether an earlier finding showed `address` running a Bitcoin-family node (cleartext P2P first). */
	bitcoinSightingOf(address: string): BitcoinSighting | undefined;
	/** `address` advertised NODE_P2P_V2 in a cleartext `version`: it speaks BIP324 too. */
	noteAdvertisesV2(address: string): void;
	/** A cleartext `addr`/`addrv2` relayed `address` and `port` with NODE_P2P_V2. */
	noteV2Advertisement(address: string, port: number, advertisement: V2Advertisement): void;
	/** What relayed `address` and `port` as speaking BIP324, if anything did. */
	v2AdvertisementOf(address: string, port: number): V2Advertisement | undefined;
	/**
	 * The flow opened with what may be a BIP324 key and garbage, `answered` or not yet by the
	 * listener: a cleartext connection to the same address and port seconds after an opening that
	 * got no answer is Bitcoin Core falling back to v1 (a v1-only listener closes on it).
	 */
	noteV2Opening(flow: FlowView, answered: boolean): void;
}

/**
 * Inspection methods return whether this detector still wants to see the flow: `false` means it
 * never will match (or has finished); once every detector is done the flow is settled. Whatever a
 * detector keeps about a flow it drops in `release`, which the engine calls exactly when the
 * detector stops seeing the flow (it said `false`, the flow was settled, or the flow ended).
 */
export interface Detector {
	readonly name: string;
	/**
	 * A cheap first look, before any state is kept: `first` is the flow's first payload (the stream
	 * of `side`, or the datagram). False means this detector can never match the flow. Absent: true.
	 */
	mayMatch?(flow: FlowView, side: Side, first: Uint8Array): boolean;
	/**
	 * TCP: the in-order stream of `side` grew. Returning true from the call that settled the flow
	 * asks for `readSettled` (when the detector has it) on the flow's later payload.
	 */
	inspectStream?(flow: FlowView, side: Side, context: DetectContext): boolean;
	/**
	 * TCP, after the flow was settled: reads on for facts about other flows without changing this
	 * flow's verdict, until it returns false (then `release`).
	 */
	readSettled?(flow: FlowView, side: Side, context: DetectContext): boolean;
	/** UDP: one datagram from `side`; `payload` is valid only during the call. */
	inspectDatagram?(flow: FlowView, side: Side, payload: Uint8Array, context: DetectContext): boolean;
	/** The flow ended while this detector still wanted it: last chance to report (then `release`). */
	flowEnded?(flow: FlowView, context: DetectContext): void;
	/** Drop any state kept for `flow`. */
	release?(flow: FlowView): void;
}

export function otherSide(side: Side): Side {
	return side === 'client' ? 'server' : 'client';
}
