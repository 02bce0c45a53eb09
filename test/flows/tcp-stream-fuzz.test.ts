// Fuzzing TCP reassembly against the stream it must rebuild: slices of one true byte stream arrive
// in any order, repeated, overlapping, around a sequence-number wrap, with or without the SYN that
// anchors the start. The reassembled bytes are always exactly the true stream from where it was
// anchored, within the cap; each add reports the in-order bytes it made; and when everything sent
// fits the cap (in at most 32 segments), everything sent from the anchor on that is contiguous is there in the end.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {TcpStream} from '../../source/flows/tcp-stream.js';
import {checkProperty} from '../support/fuzz.js';

const truthAndSegments = fc.uint8Array({minLength: 1, maxLength: 3000}).chain((truth) =>
	fc.record({
		truth: fc.constant(truth),
		initialSequence: fc.oneof(fc.integer({min: 0, max: 0xffffffff}), fc.constantFrom(0xffffffff, 0xfffffc00, 0)),
		syn: fc.boolean(),
		cap: fc.constantFrom(1, 64, 2048, 4096, 16_384),
		segments: fc.array(fc.record({start: fc.nat(truth.length - 1), length: fc.integer({min: 1, max: 1460})}), {minLength: 1, maxLength: 40}),
	}),
);

/** Bytes [from, to) of the stream made whole by the segments, assuming it starts at `from`. */
function contiguousEnd(segments: readonly {start: number; length: number}[], from: number, size: number): number {
	let end = from;
	for (let grew = true; grew; ) {
		grew = false;
		for (const {start, length} of segments) {
			const stop = Math.min(size, start + length);
			if (start <= end && stop > end) {
				end = stop;
				grew = true;
			}
		}
	}
	return end;
}

test('reassembly rebuilds exactly the true stream, in any arrival order', () => {
	checkProperty(
		fc.property(truthAndSegments, ({truth, initialSequence, syn, cap, segments}) => {
			const stream = new TcpStream(cap);
			if (syn) stream.anchorAtSyn((initialSequence - 1) >>> 0);
			const anchor = syn ? 0 : segments[0]!.start;
			for (const {start, length} of segments) {
				const before = stream.length;
				const slice = truth.subarray(start, Math.min(truth.length, start + length));
				const made = stream.add((initialSequence + start) >>> 0, slice, 0, slice.length);
				assert.equal(made, stream.length - before, 'add reports the in-order bytes it made');
				assert.ok(stream.length <= cap, `${stream.length} bytes within the cap ${cap}`);
				assert.deepEqual(stream.bytes(), truth.subarray(anchor, anchor + stream.length), 'the true stream from its anchor');
			}
			const sent = segments.reduce((total, {length}) => total + length, 0);
			// Out-of-order segments wait within the cap and at most 32 of them: within both, nothing is dropped.
			if (sent <= cap && segments.length <= 32) assert.equal(stream.length, Math.min(cap, contiguousEnd(segments, anchor, truth.length) - anchor), 'every contiguous byte from the anchor is there');
		}),
		3000,
	);
});
