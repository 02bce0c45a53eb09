// Packets and wire bytes per protocol family, as the detection engine has labelled the flows.
import {protocolFamilies, type ProtocolFamily, type TrafficCounter} from '../model/messages.js';

export class FamilyCounters {
	private readonly counters = Object.fromEntries(protocolFamilies.map((family) => [family, {packets: 0, bytes: 0}])) as Record<ProtocolFamily, TrafficCounter>;

	add(family: ProtocolFamily, wireBytes: number): void {
		const counter = this.counters[family] ?? this.counters.other;
		counter.packets++;
		counter.bytes += wireBytes;
	}

	snapshot(): Record<ProtocolFamily, TrafficCounter> {
		return Object.fromEntries(protocolFamilies.map((family) => [family, {...this.counters[family]}])) as Record<ProtocolFamily, TrafficCounter>;
	}
}
