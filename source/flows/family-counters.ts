// Packets and wire bytes per protocol family, as the detection engine has labelled the flows.
// Counted in a typed array by family position: a lookup by the family string as a property name
// would take V8's slow generic path on every packet.
import {protocolFamilies, type ProtocolFamily, type TrafficCounter} from '../model/messages.js';

const other = protocolFamilies.indexOf('other');

export class FamilyCounters {
	/** Per family position: packets, then bytes. */
	private readonly counts = new Float64Array(protocolFamilies.length * 2);

	/** The family of the last packet and its position: consecutive packets mostly share one. */
	private lastFamily: string = protocolFamilies[other]!;
	private lastIndex = other * 2;

	add(family: ProtocolFamily, wireBytes: number): void {
		if (family !== this.lastFamily) {
			const found = protocolFamilies.indexOf(family);
			this.lastFamily = family;
			this.lastIndex = (found < 0 ? other : found) * 2;
		}
		const index = this.lastIndex;
		this.counts[index]++;
		this.counts[index + 1] += wireBytes;
	}

	snapshot(): Record<ProtocolFamily, TrafficCounter> {
		return Object.fromEntries(protocolFamilies.map((family, index) => [family, {packets: this.counts[index * 2]!, bytes: this.counts[index * 2 + 1]!}])) as Record<ProtocolFamily, TrafficCounter>;
	}
}
