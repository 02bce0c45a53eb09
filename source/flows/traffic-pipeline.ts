// What the capture worker calls per packet: decode once into a reused object, then account the
// packet to its hosts, its flow (which feeds detection) and its protocol family.
import type {PacketRecord} from '../decode/packet-record.js';
import type {ProtocolFamily, Totals, TrafficCounter, TrafficHistory} from '../model/messages.js';
import {DecodedPacket, decodeStatus} from '../decode/decoded-packet.js';
import {decodePacket} from '../decode/packet-decoder.js';
import type {CidrSet} from './cidr-set.js';
import {FamilyCounters} from './family-counters.js';
import {FlowTable, type FlowTimeouts} from './flow-table.js';
import type {Flow} from './flow.js';
import type {FlowObserver} from './flow-view.js';
import {HostTable} from './host-table.js';

// Module constants, not property loads of the shared tables: a load with no type feedback yet
// (a path first taken after optimization) deoptimizes all that inlined it; a constant cannot.
const {ip: statusIp, malformed: statusMalformed, nonFirstFragment: statusNonFirstFragment, unsupportedLinkType: statusUnsupportedLinkType} = decodeStatus;

export interface TrafficPipelineOptions {
	observer: FlowObserver;
	homeNet: CidrSet;
	flowCap?: number;
	hostCap?: number;
	/** Reassembled TCP payload kept per flow direction for detection. */
	payloadBytes?: number;
	timeouts?: Partial<FlowTimeouts>;
}

export class TrafficPipeline {
	/** `truncated` is added by the capture session from each reader: the pipeline never sees cut records. */
	readonly totals: Totals = {packets: 0, bytes: 0, flows: 0, decodeErrors: 0, truncated: 0, unsupportedLinkType: 0, nonFirstFragments: 0};
	readonly hosts: HostTable;
	readonly flows: FlowTable;
	private readonly families = new FamilyCounters();
	private readonly decoded = new DecodedPacket();
	private readonly observer: FlowObserver;
	/** Always a number, so storing it each packet does not box a new heap number. */
	private newestMicros = Number.NEGATIVE_INFINITY;

	constructor(options: TrafficPipelineOptions) {
		this.observer = options.observer;
		const settle = (flow: Flow): void => this.hosts.settlePeerBytes(flow);
		this.hosts = new HostTable({homeNet: options.homeNet, hostCap: options.hostCap, settleLiveFlows: () => this.flows.forEachLive(settle)});
		this.flows = new FlowTable({
			observer: options.observer,
			flowEnding: settle,
			flowCap: options.flowCap,
			payloadBytes: options.payloadBytes,
			timeouts: options.timeouts,
		});
	}

	/** Capture time of the newest packet seen; undefined before the first. */
	get lastTimestampMicros(): number | undefined {
		return this.newestMicros === Number.NEGATIVE_INFINITY ? undefined : this.newestMicros;
	}

	packet(record: PacketRecord): void {
		const totals = this.totals;
		const wireBytes = record.originalLength;
		const timestamp = record.timestampMicros;
		totals.packets++;
		totals.bytes += wireBytes;
		if (timestamp > this.newestMicros) this.newestMicros = timestamp;
		const packet = this.decoded;
		switch (decodePacket(record, packet)) {
			case statusIp: {
				const flow = this.flows.packet(packet, wireBytes, timestamp);
				const created = this.flows.createdFlow !== undefined;
				if (created) totals.flows++;
				this.hosts.flowPacket(flow, this.flows.lastFromClient, created, packet, wireBytes, timestamp);
				this.families.add(flow.family, wireBytes, timestamp);
				return;
			}
			case statusNonFirstFragment:
				totals.nonFirstFragments++;
				this.hosts.packet(packet, wireBytes, timestamp);
				break;
			case statusMalformed:
				totals.decodeErrors++;
				break;
			case statusUnsupportedLinkType:
				totals.unsupportedLinkType++;
				break;
		}
		this.flows.advance(timestamp);
		this.families.add('other', wireBytes, timestamp);
	}

	/** Moves capture time on without a packet (a quiet live link) so idle flows still end. */
	tick(timestampMicros: number): void {
		this.flows.advance(timestampMicros);
		this.observer.tick?.(timestampMicros);
	}

	/** End of capture: every live flow ends. */
	flush(): void {
		this.flows.flush();
	}

	familyCounters(): Record<ProtocolFamily, TrafficCounter> {
		return this.families.snapshot();
	}

	/** Each family's traffic per bucket of capture time since the last call (see FamilyCounters). */
	takeTrafficHistory(includeCurrent: boolean): TrafficHistory | undefined {
		return this.families.takeHistory(includeCurrent);
	}
}
