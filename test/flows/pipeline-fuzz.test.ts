// Fuzzing flow tracking, TCP reassembly and every detector through the production pipeline with
// real conversations (fixtures and ../shared/captures, in capture order) damaged the way captures
// and attackers damage them: packets mutated, dropped, repeated, swapped, and times that jump or run
// backwards, past the years a date holds. See test/support/fuzz-pipeline.ts for what is checked on every packet and at the end.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import fc from 'fast-check';
import type {PacketRecord} from '../../source/decode/packet-record.js';
import {applyMutations, mutation, type Mutation} from '../support/byte-mutations.js';
import {checkProperty} from '../support/fuzz.js';
import {runPipeline} from '../support/fuzz-pipeline.js';
import {seedCaptures, type SeedPacket} from '../support/seed-packets.js';

type Damage =
	| {kind: 'mutate'; at: number; mutations: Mutation[]}
	| {kind: 'drop'; at: number}
	| {kind: 'repeat'; at: number}
	| {kind: 'swap'; at: number}
	| {kind: 'shift-time'; at: number; micros: number};

const damage: fc.Arbitrary<Damage> = fc.oneof(
	{weight: 4, arbitrary: fc.record({kind: fc.constant('mutate' as const), at: fc.nat(), mutations: fc.array(mutation, {minLength: 1, maxLength: 4})})},
	fc.record({kind: fc.constant('drop' as const), at: fc.nat()}),
	fc.record({kind: fc.constant('repeat' as const), at: fc.nat()}),
	fc.record({kind: fc.constant('swap' as const), at: fc.nat()}),
	fc.record({kind: fc.constant('shift-time' as const), at: fc.nat(), micros: fc.oneof(fc.integer({min: -(10 ** 9), max: 10 ** 9}), fc.constantFrom(-1, 301_000_000, 3_600_000_000, 2 ** 64, -(2 ** 63)))}),
);

const windowLength = 120;

function damaged(packets: readonly SeedPacket[], start: number, damages: readonly Damage[]): SeedPacket[] {
	const window = packets.slice(start % Math.max(1, packets.length - windowLength + 1)).slice(0, windowLength);
	for (const change of damages) {
		if (window.length === 0) break;
		const at = change.at % window.length;
		switch (change.kind) {
			case 'mutate':
				window[at] = {...window[at]!, bytes: applyMutations(window[at]!.bytes, change.mutations)};
				break;
			case 'drop':
				window.splice(at, 1);
				break;
			case 'repeat':
				window.splice(at, 0, window[at]!);
				break;
			case 'swap':
				if (at + 1 < window.length) [window[at], window[at + 1]] = [window[at + 1]!, window[at]!];
				break;
			case 'shift-time':
				for (let index = at; index < window.length; index++) window[index] = {...window[index]!, timestampMicros: window[index]!.timestampMicros + change.micros};
				break;
		}
	}
	return window;
}

function* records(packets: readonly SeedPacket[]): Generator<PacketRecord> {
	for (const packet of packets) {
		yield {linkType: packet.linkType, timestampMicros: packet.timestampMicros, data: packet.bytes, offset: 0, capturedLength: packet.bytes.length, originalLength: packet.bytes.length};
	}
}

describe('flow tracking and detection fuzz on damaged real conversations', () => {
	const captures = seedCaptures();

	test('real conversations as captured raise alerts (the checks see detections, not only silence)', () => {
		const alerts = captures.reduce((total, capture) => total + runPipeline(records(capture.packets)).length, 0);
		assert.ok(alerts > 0, 'some seed conversation is detected');
	});

	test('found by this fuzz (seed 1835626085, path 6:0:0:2:2): a time past the years a date holds made summaries and alerts throw', () => {
		const alerts = runPipeline(records(damaged(captures[0]!.packets, 0, [{kind: 'shift-time', at: 0, micros: 2 ** 64}])));
		assert.ok(alerts.length > 0);
		assert.ok(alerts.every((alert) => alert.time === '+275760-09-13T00:00:00.000Z'), 'shown at the edge of what a date holds');
	});

	test('damaged conversations', () => {
		checkProperty(
			fc.property(fc.integer({min: 0, max: captures.length - 1}), fc.nat(), fc.array(damage, {maxLength: 12}), (capture, start, damages) => {
				runPipeline(records(damaged(captures[capture]!.packets, start, damages)));
			}),
			1000,
		);
	});
});
