// The detection engine: the flow table's observer. It runs the registered detectors on flows still
// being classified, turns their findings into alerts (who is the miner, node or pool; direction from
// the home network; severity; allow list), and keeps what the host table shows about each address.
import type {Alert, AlertCounts, Detection, Direction, HostRole, ProtocolFamily, Severity} from '../model/messages.js';
import {protocolFamilies, severityRank} from '../model/messages.js';
import type {FlowObserver, FlowView, Side} from '../flows/flow-view.js';
import {formatIpv4} from '../decode/ip-address-text.js';
import type {BitcoinSighting, DetectContext, Finding, Stage, V2Advertisement} from './detector.js';
import {otherSide} from './detector.js';
import {detectors} from './registry.js';
import {PoolList} from './pool-list.js';
import {NameBook, type SeenName} from './name-book.js';
import {AlertBook, type AlertDraft} from './alert-book.js';
import {directionOf} from './verdict.js';
import {BoundedMap} from './bounded-map.js';
import {AddressNames} from './address-names.js';
import {HeldFindings, type FlowFacts, type HeldFinding} from './held-findings.js';
import {listedPoolEvidence} from './listed-pool.js';

/** What the engine needs of the home-network and allow lists (`CidrSet` fits). */
export interface AddressSet {
	contains(addressText: string): boolean;
}

export interface DetectionEngineOptions {
	homeNet: AddressSet;
	allow: AddressSet;
	/** Pool names and addresses from `--pools FILE`, added to the built-in list. */
	extraPools?: PoolList;
	onAlert(alert: Alert): void;
}

/** What the host table shows of an address; shared and frozen, so never modify one. */
export interface HostInfo {
	roles: HostRole[];
	severity?: Severity;
	protocols: ProtocolFamily[];
	name?: string;
}

const hostRoles: readonly HostRole[] = ['miner', 'node', 'pool'];
const noRoles: HostRole[] = [];
const noProtocols: ProtocolFamily[] = [];
Object.freeze(noRoles);
Object.freeze(noProtocols);
/** The summary asks about every host each second; most are unknown to detection and share this. */
const unknownHost: HostInfo = Object.freeze({roles: noRoles, protocols: noProtocols});

const mitreComputeHijacking = {tactic: 'TA0040', technique: 'T1496.001'};
/** Addresses remembered (roles, names); the oldest is forgotten beyond this. */
const maxAddressFacts = 100_000;
const maxPoolAddresses = 20_000;
/** Capture time a tentative finding (a lookup) waits for stronger evidence. */
const tentativeGraceMicros = 10_000_000;
/** Capture time a held stage waits for its flow to complete the exchange. */
const stageGraceMicros = 2_000_000;
/** A v1 connection this soon after an unanswered v2 opening to the same place is its fallback (Bitcoin Core waits about 500 ms). */
const v1FallbackWindowMicros = 5_000_000;
/** v2 openings remembered; the oldest is forgotten beyond this. */
const maxV2Openings = 10_000;
/** Addresses and ports relayed with NODE_P2P_V2 remembered: a getaddr answer holds up to 1000. */
const maxV2Advertisements = 50_000;

/** Roles and protocols as bit sets (bit i = `hostRoles[i]`, `protocolFamilies[i]`): no Set per address. */
interface HostFacts {
	roles: number;
	severity?: Severity;
	protocols: number;
	/** What `hostInfo` returns until the facts or the name change. */
	info?: HostInfo;
	/** In the home network, in the allow list: worked out once, when a finding first involves the address. */
	readonly internal: boolean;
	readonly allowed: boolean;
}

export class DetectionEngine implements FlowObserver {
	private readonly pools: PoolList;
	private readonly homeNet: AddressSet;
	private readonly allow: AddressSet;
	private readonly book: AlertBook;
	/** Only addresses a finding involved: few, so looking them up stays cheap. */
	private readonly facts = new BoundedMap<string, HostFacts>(maxAddressFacts);
	/** Names from DNS answers and SNI: most servers get one and nothing else. */
	private readonly names = new AddressNames(maxAddressFacts);
	private readonly poolNames = new BoundedMap<string, string>(maxPoolAddresses);
	/** Addresses a finding showed running a Bitcoin-family node, for shape detectors to lean on. */
	private readonly bitcoinSightings = new BoundedMap<string, BitcoinSighting>(maxAddressFacts);
	/** Addresses that advertised NODE_P2P_V2 in a cleartext `version`. */
	private readonly v2Advertisers = new BoundedMap<string, true>(maxAddressFacts);
	/** Addresses and ports relayed with NODE_P2P_V2 in cleartext `addr`/`addrv2`, by `address|port`. */
	private readonly v2Advertisements = new BoundedMap<string, V2Advertisement>(maxV2Advertisements);
	/** v2 openings not answered (yet) by opener, listener and port: the capture time of their last byte. */
	private readonly v2Openings = new BoundedMap<string, number>(maxV2Openings);
	/** Tentative findings by what they suggest (kind, actor, peer). */
	private readonly tentative: HeldFindings<string, Finding>;
	/** Stages of exchanges under way by flow id: the flow's latest, until it reports a complete finding. */
	private readonly stages: HeldFindings<number, Stage>;
	/** The earliest deadline held (or earlier: a finding taken back early leaves it stale, which only costs a look). */
	private nextDeadline = Number.POSITIVE_INFINITY;
	/** Flows started and not yet ended; none left means the capture is over (or quiet). */
	private liveFlows = 0;
	private readonly context: DetectContext;
	private readonly streamMask: number;
	private readonly datagramMask: number;

	constructor(options: DetectionEngineOptions) {
		this.pools = PoolList.builtin(options.extraPools);
		this.homeNet = options.homeNet;
		this.allow = options.allow;
		this.book = new AlertBook(options.onAlert);
		this.tentative = new HeldFindings(tentativeGraceMicros);
		this.stages = new HeldFindings(stageGraceMicros);
		this.streamMask = maskOf((index) => detectors[index]!.inspectStream !== undefined);
		this.datagramMask = maskOf((index) => detectors[index]!.inspectDatagram !== undefined);
		const names = new NameBook(this.pools);
		this.context = {
			nameIn: (bytes, start, end, encoding) => names.nameIn(bytes, start, end, encoding),
			report: (flow, finding) => this.report(flow, finding),
			hold: (flow, stage) => this.hold(flow, stage),
			setFamily: (flow, family) => this.setFamily(flow, family),
			settle: (flow) => this.settle(flow),
			learnName: (address, name) => this.learnName(address, name),
			poolNameOf: (address) => this.poolNameOf(address),
			isListedPool: (address) => this.pools.hasAddress(address),
			bitcoinSightingOf: (address) => this.bitcoinSightingOf(address),
			noteAdvertisesV2: (address) => this.v2Advertisers.set(address, true),
			noteV2Advertisement: (address, port, advertisement) => this.v2Advertisements.set(`${address}|${port}`, advertisement),
			v2AdvertisementOf: (address, port) => this.v2Advertisements.get(`${address}|${port}`),
			noteV2Opening: (flow, answered) => this.noteV2Opening(flow, answered),
		};
	}

	/** Alerts raised so far (distinct ids). */
	get alertCount(): number {
		return this.book.count;
	}

	alertsOpen(): AlertCounts {
		return this.book.openCounts();
	}

	hostInfo(address: string): HostInfo {
		const facts = this.facts.get(address);
		const name = this.names.get(address);
		if (facts === undefined) return name === undefined ? unknownHost : Object.freeze({roles: noRoles, protocols: noProtocols, name});
		if (facts.info?.name !== name) facts.info = undefined;
		facts.info ??= Object.freeze({
			roles: Object.freeze(hostRoles.filter((_role, index) => (facts.roles & (1 << index)) !== 0)) as HostRole[],
			severity: facts.severity,
			protocols: Object.freeze(protocolFamilies.filter((_family, index) => (facts.protocols & (1 << index)) !== 0)) as ProtocolFamily[],
			name,
		});
		return facts.info;
	}

	flowStarted(flow: FlowView): void {
		this.liveFlows++;
		this.releaseDue(flow.lastSeenMicros);
	}

	/** Capture time moved on without a packet (a quiet live link): raise what is due. */
	tick(nowMicros: number): void {
		this.releaseDue(nowMicros);
	}

	streamGrew(flow: FlowView, side: Side): void {
		if (flow.classified) {
			if (flow.settledReaders !== 0) this.readSettled(flow, side);
			return;
		}
		const active = flow.activeDetectors === 0 ? this.firstLook(flow, side, flow.stream(side), this.streamMask) : flow.activeDetectors;
		this.inspect(flow, side, undefined, active);
	}

	datagram(flow: FlowView, side: Side, payload: Uint8Array): void {
		if (flow.classified) return;
		const active = flow.activeDetectors === 0 ? this.firstLook(flow, side, payload, this.datagramMask) : flow.activeDetectors;
		this.inspect(flow, side, payload, active);
	}

	/** Which of `mask`'s detectors may match a flow, by their first look at its first payload. */
	private firstLook(flow: FlowView, side: Side, first: Uint8Array, mask: number): number {
		let active = 0;
		for (let index = 0; index < detectors.length; index++) {
			const bit = 1 << index;
			if ((mask & bit) !== 0 && (detectors[index]!.mayMatch?.(flow, side, first) ?? true)) active |= bit;
		}
		return active;
	}

	/** Shows the flow's new payload (a datagram, else the stream of `side`) to the detectors in `active`. */
	private inspect(flow: FlowView, side: Side, datagram: Uint8Array | undefined, active: number): void {
		for (let index = 0; index < detectors.length && active !== 0; index++) {
			const bit = 1 << index;
			if ((active & bit) === 0) continue;
			const detector = detectors[index]!;
			const wanted = datagram === undefined ? detector.inspectStream!(flow, side, this.context) : detector.inspectDatagram!(flow, side, datagram, this.context);
			if (flow.classified) {
				if (wanted && datagram === undefined && detector.readSettled !== undefined) flow.settledReaders |= bit;
				this.release(flow, active & ~flow.settledReaders);
				return;
			}
			if (!wanted) {
				active &= ~bit;
				detector.release?.(flow);
			}
		}
		this.keep(flow, active);
	}

	/** Shows a settled flow's new payload to the detectors reading it on; the flow stays settled. */
	private readSettled(flow: FlowView, side: Side): void {
		for (let index = 0; index < detectors.length; index++) {
			const bit = 1 << index;
			if ((flow.settledReaders & bit) === 0 || detectors[index]!.readSettled!(flow, side, this.context)) continue;
			flow.settledReaders &= ~bit;
			detectors[index]!.release?.(flow);
		}
	}

	flowEnded(flow: FlowView): void {
		// Only flows still being classified have detectors holding them (most ended flows were settled).
		const active = flow.classified ? 0 : flow.activeDetectors;
		if (active !== 0) {
			for (let index = 0; index < detectors.length; index++) {
				if ((active & (1 << index)) !== 0) detectors[index]!.flowEnded?.(flow, this.context);
			}
			this.release(flow, active);
		}
		if (flow.settledReaders !== 0) {
			for (let index = 0; index < detectors.length; index++) if ((flow.settledReaders & (1 << index)) !== 0) detectors[index]!.release?.(flow);
			flow.settledReaders = 0;
		}
		this.liveFlows = Math.max(0, this.liveFlows - 1);
		// With no flow left (end of capture) nothing stronger can arrive: release what was held.
		this.releaseDue(this.liveFlows === 0 ? Number.POSITIVE_INFINITY : flow.lastSeenMicros);
	}

	/** Remembers which detectors still want the flow, or settles it when none does. */
	private keep(flow: FlowView, active: number): void {
		flow.activeDetectors = active;
		if (active !== 0) return;
		flow.classified = true;
		this.raiseStage(flow);
	}

	/** The flow is settled or over: the detectors still holding it drop their state. */
	private release(flow: FlowView, active: number): void {
		for (let index = 0; index < detectors.length; index++) {
			if ((active & (1 << index)) !== 0) detectors[index]!.release?.(flow);
		}
		flow.activeDetectors = 0;
		this.raiseStage(flow);
	}

	/** Nothing more will be read from the flow: the stage its exchange stopped at is all there is. */
	private raiseStage(flow: FlowView): void {
		if (this.stages.size === 0) return;
		const held = this.stages.take(flow.id);
		if (held !== undefined) this.raise(held.facts, held.value());
	}

	/** Ends inspection at once; the inspection loop then releases every detector's state. */
	private settle(flow: FlowView): void {
		flow.classified = true;
	}

	private setFamily(flow: FlowView, family: ProtocolFamily): void {
		if (flow.family === family) return;
		flow.family = family;
		if (family === 'other') return;
		const bit = 1 << protocolFamilies.indexOf(family);
		addProtocol(this.factsOf(flow.clientAddress), bit);
		addProtocol(this.factsOf(flow.serverAddress), bit);
	}

	private learnName(address: string | number, name: SeenName): void {
		this.names.set(address, name.display);
		if (name.match?.kind === 'pool') this.poolNames.set(typeof address === 'string' ? address : formatIpv4(address), name.display);
	}

	private poolNameOf(address: string): string | undefined {
		return this.poolNames.get(address) ?? (this.pools.hasAddress(address) ? `${address} (listed pool address)` : undefined);
	}

	private bitcoinSightingOf(address: string): BitcoinSighting | undefined {
		const sighting = this.bitcoinSightings.get(address);
		return sighting !== undefined && this.v2Advertisers.get(address) !== undefined ? {...sighting, advertisesV2: true} : sighting;
	}

	private noteV2Opening(flow: FlowView, answered: boolean): void {
		// An answered opening is forgotten by its time: no fallback follows it.
		this.v2Openings.set(openingKey(flow), answered ? Number.NEGATIVE_INFINITY : flow.lastSeenMicros);
	}

	/** A cleartext connection that follows an unanswered v2 opening to the same place says so. */
	private withFallback(flow: FlowView, finding: Finding): Finding {
		const opened = this.v2Openings.get(openingKey(flow));
		const gap = opened === undefined ? -1 : flow.firstSeenMicros - opened;
		if (gap < 0 || gap > v1FallbackWindowMicros) return finding;
		const line = `shape: opened ${Math.round(gap / 1000)} ms after an attempt from ${flow.clientAddress} to the same address and port whose random opening bytes got no answer: a BIP324 opener falling back to v1`;
		return {...finding, evidence: [...finding.evidence, line]};
	}

	private hold(flow: FlowView, stage: Stage): void {
		this.releaseDue(flow.lastSeenMicros);
		this.nextDeadline = Math.min(this.nextDeadline, this.stages.hold(flow.id, flowFactsOf(flow), stage));
	}

	private report(flow: FlowView, reported: Finding): void {
		const finding = reported.protocol === 'bitcoin-p2p' && this.v2Openings.size > 0 ? this.withFallback(flow, reported) : reported;
		const facts = flowFactsOf(flow);
		this.releaseDue(flow.lastSeenMicros);
		if (finding.kind === 'node') this.noteBitcoinSighting(facts, finding);
		// A complete finding replaces the flow's held stage (it holds the same evidence and more);
		// another protocol's stage is its own.
		const superseded = this.stages.size === 0 ? undefined : this.stages.take(flow.id);
		if (superseded !== undefined) {
			const stage = superseded.value();
			if (stage.protocol !== finding.protocol) this.raise(superseded.facts, stage);
		}
		if (!finding.tentative) {
			this.raise(facts, finding);
			return;
		}
		const key = `${finding.kind}|${addressOf(facts, finding.actor)}|${finding.peerAddress ?? addressOf(facts, otherSide(finding.actor))}`;
		const held = this.tentative.get(key);
		const merged = held === undefined ? finding : {...held.value, evidence: [...held.value.evidence, ...finding.evidence], certainty: Math.max(held.value.certainty, finding.certainty)};
		this.nextDeadline = Math.min(this.nextDeadline, this.tentative.hold(key, held?.facts ?? facts, merged));
	}

	/** Both ends of cleartext Bitcoin-family P2P run nodes; a seed lookup shows the asking host starting one. */
	private noteBitcoinSighting(facts: FlowFacts, finding: Finding): void {
		if (finding.network === undefined) return;
		if (finding.protocol === 'bitcoin-p2p') {
			const sighting: BitcoinSighting = {how: 'cleartext-p2p', network: finding.network};
			this.bitcoinSightings.set(facts.clientAddress, sighting);
			this.bitcoinSightings.set(facts.serverAddress, sighting);
		} else if (finding.protocol === 'dns') {
			const host = addressOf(facts, finding.actor);
			if (this.bitcoinSightings.get(host)?.how !== 'cleartext-p2p') this.bitcoinSightings.set(host, {how: 'seed-lookup', network: finding.network});
		}
	}

	/** Raises the held findings due by `nowMicros`: stages first, since they may make a tentative finding redundant. */
	private releaseDue(nowMicros: number): void {
		if (nowMicros < this.nextDeadline) return;
		const nextStage = this.stages.releaseDue(nowMicros, (_flowId, held) => this.raise(held.facts, held.value()));
		const nextTentative = this.tentative.releaseDue(nowMicros, (_key, held) => this.releaseTentative(held));
		this.nextDeadline = Math.min(nextStage, nextTentative);
	}

	/** Raises a tentative finding unless the host has meanwhile been shown to do what it suggested. */
	private releaseTentative({facts, value: finding}: HeldFinding<Finding>): void {
		const host = addressOf(facts, finding.actor);
		const supersededBy: Detection[] = finding.kind === 'pool-lookup' ? ['mining'] : ['bitcoin-node', 'crypto-node'];
		if (supersededBy.some((detection) => this.book.hasDetection(host, detection))) return;
		this.raise(facts, finding);
	}

	private raise(facts: FlowFacts, finding: Finding): void {
		switch (finding.kind) {
			case 'mining': {
				this.raiseMining(facts, finding);
				break;
			}
			case 'node': {
				this.raiseNode(facts, finding);
				break;
			}
			case 'pool-lookup': {
				const host = this.party(addressOf(facts, finding.actor));
				const peer = this.party(finding.peerAddress ?? addressOf(facts, otherSide(finding.actor)));
				// The pool's port is not known until the host connects: 0, unless the peer is the resolver asked.
				const port = finding.peerAddress === undefined ? portOf(facts, otherSide(finding.actor)) : 0;
				addRole(peer.facts, 'pool');
				this.record(facts, finding, 'mining-pool-lookup', undefined, host, peer, {port, opener: 'host'}, directionOf(host.facts.internal, peer.facts.internal), finding.agent);
				break;
			}
		}
	}

	/** A home-network pool gets its own `mining-pool` alert; the miner gets `mining` unless it is outside and the pool inside. */
	private raiseMining(facts: FlowFacts, finding: Finding): void {
		const minerSide = finding.actor;
		const poolSide = otherSide(minerSide);
		const miner = this.party(addressOf(facts, minerSide));
		const pool = this.party(addressOf(facts, poolSide));
		// A listed address has no name to show beside it, only the operator's word.
		const poolName = this.poolNames.get(pool.address);
		const reputation = poolName !== undefined ? `reputation: ${pool.address} is mining pool ${poolName}` : (this.pools.hasAddress(pool.address) ? listedPoolEvidence(pool.address) : undefined);
		const enriched: Finding = reputation === undefined || finding.evidence.some((line) => line.startsWith('reputation:'))
			? finding
			: {...finding, evidence: [...finding.evidence, reputation], peerName: finding.peerName ?? poolName};
		const direction = directionOf(miner.facts.internal, pool.facts.internal);
		const poolPort = portOf(facts, poolSide);
		addRole(miner.facts, 'miner');
		addRole(pool.facts, 'pool');
		if (pool.facts.internal) {
			// As strong as what showed the mining: a shape shows a pool no better than a miner.
			const tier = enriched.evidence[0]?.slice(0, enriched.evidence[0].indexOf(':') + 1) || 'content:';
			const served = {...enriched, evidence: [`${tier} ${pool.address} serves miners on port ${poolPort}`, ...enriched.evidence], peerName: undefined};
			this.record(facts, served, 'mining-pool', 'pool', pool, miner, {port: poolPort, opener: 'peer'}, direction, undefined);
		}
		if (miner.facts.internal || !pool.facts.internal) {
			this.record(facts, enriched, 'mining', 'miner', miner, pool, {port: poolPort, opener: 'host'}, direction, enriched.agent);
		}
	}

	/**
	 * Both ends of a P2P connection are nodes; the alert goes to the home-network end (the one an
	 * operator can act on), else to the side that opened the connection.
	 */
	private raiseNode(facts: FlowFacts, finding: Finding): void {
		const detection: Detection = finding.protocol === 'monero-p2p' || finding.protocol === 'devp2p' ? 'crypto-node' : 'bitcoin-node';
		const initiator = this.party(addressOf(facts, finding.actor));
		const responderSide = otherSide(finding.actor);
		const responder = this.party(finding.peerAddress ?? addressOf(facts, responderSide));
		const direction = directionOf(initiator.facts.internal, responder.facts.internal);
		const listenPort = portOf(facts, responderSide);
		addRole(initiator.facts, 'node');
		if (finding.peerListens) addRole(responder.facts, 'node');
		if (finding.peerListens && responder.facts.internal && !initiator.facts.internal) {
			// Listening is what makes this alert high, so it leads the evidence.
			const listening = {...finding, evidence: [`content: ${responder.address} accepts inbound P2P connections on port ${listenPort} (listening node)`, ...finding.evidence]};
			this.record(facts, listening, detection, 'node', responder, initiator, {port: listenPort, opener: 'peer'}, direction, finding.peerAgent);
			return;
		}
		this.record(facts, finding, detection, 'node', initiator, responder, {port: listenPort, opener: 'host'}, direction, finding.agent);
	}

	private record(facts: FlowFacts, finding: Finding, detection: Detection, hostRole: HostRole | undefined, host: Party, peer: Party, connection: Connection, direction: Direction, agent: string | undefined): void {
		const draft: AlertDraft = {
			timeMicros: facts.timeMicros,
			flowId: facts.flowId,
			detection,
			certainty: finding.certainty,
			host: host.address,
			hostRole,
			peer: peer.address,
			port: connection.port,
			opener: connection.opener,
			peerName: finding.peerName ?? this.names.get(peer.address),
			direction,
			protocol: finding.protocol,
			network: finding.network,
			evidence: finding.evidence,
			agent,
			worker: finding.worker,
			algorithm: finding.algorithm,
			mitre: detection === 'mining' || detection === 'mining-pool' || detection === 'mining-pool-lookup' ? mitreComputeHijacking : null,
			allowed: host.facts.allowed || peer.facts.allowed,
		};
		const alert = this.book.record(draft);
		const hostFacts = host.facts;
		if (!alert.allowed && (hostFacts.severity === undefined || severityRank[alert.severity] > severityRank[hostFacts.severity])) {
			hostFacts.severity = alert.severity;
			hostFacts.info = undefined;
		}
	}

	/** An address and its facts, looked up once for everything one finding does with it. */
	private party(address: string): Party {
		return {address, facts: this.factsOf(address)};
	}

	private factsOf(address: string): HostFacts {
		let facts = this.facts.get(address);
		if (facts === undefined) {
			// Every field present from the start keeps all facts objects one shape. Membership is worked
			// out here, once: parsing the address text costs more than the lookup.
			facts = {roles: 0, severity: undefined, protocols: 0, info: undefined, internal: this.homeNet.contains(address), allowed: this.allow.contains(address)};
			this.facts.set(address, facts);
		}
		return facts;
	}
}

interface Party {
	address: string;
	facts: HostFacts;
}

/** The alert's connection: the port it was opened to, and which end opened it. */
type Connection = Pick<Alert, 'port' | 'opener'>;

function addRole(facts: HostFacts, role: HostRole): void {
	const bit = 1 << hostRoles.indexOf(role);
	if ((facts.roles & bit) !== 0) return;
	facts.roles |= bit;
	facts.info = undefined;
}

function addProtocol(facts: HostFacts, bit: number): void {
	if ((facts.protocols & bit) !== 0) return;
	facts.protocols |= bit;
	facts.info = undefined;
}

/** What a held finding keeps of its flow, as the flow stands now. */
function flowFactsOf(flow: FlowView): FlowFacts {
	return {
		flowId: flow.id,
		clientAddress: flow.clientAddress,
		serverAddress: flow.serverAddress,
		clientPort: flow.clientPort,
		serverPort: flow.serverPort,
		timeMicros: flow.lastSeenMicros,
	};
}

function openingKey(flow: FlowView): string {
	return `${flow.clientAddress}|${flow.serverAddress}|${flow.serverPort}`;
}

function addressOf(facts: FlowFacts, side: Side): string {
	return side === 'client' ? facts.clientAddress : facts.serverAddress;
}

function portOf(facts: FlowFacts, side: Side): number {
	return side === 'client' ? facts.clientPort : facts.serverPort;
}

function maskOf(wanted: (index: number) => boolean): number {
	let mask = 0;
	for (let index = 0; index < detectors.length; index++) if (wanted(index)) mask |= 1 << index;
	return mask;
}
