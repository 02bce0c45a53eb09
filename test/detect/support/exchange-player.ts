// Plays a fixture-builder exchange script into the detection engine through a fake flow, segment by
// segment and cut at the MSS as the capture would show it, without writing packets.
import type {Exchange} from '../../../fixtures/builder/conversations/exchange.js';
import type {FakeFlow} from './fake-flow.js';
import type {Harness} from './engine-harness.js';

export function playExchange(h: Harness, flow: FakeFlow, exchange: Exchange, mss = 1448): void {
	for (const write of exchange) {
		let pause = write.pauseMicros;
		for (const segment of write.segments) {
			for (let offset = 0; offset < segment.length; offset += mss) {
				h.send(flow, write.side, segment.subarray(offset, Math.min(segment.length, offset + mss)), pause);
				pause = 12;
			}
		}
	}
}
