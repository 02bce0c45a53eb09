// Fuzzing the packet decoder: real packets of every link type in the seeds, mutated (fields zeroed,
// maxed or lying, cut anywhere), under any link type; and stacks built from parts: up to 20 VLAN
// tags, IPv4 with options or IPv6 with up to 30 extension headers, TCP or UDP, bad checksums, cut
// short, inside a larger buffer. The decoder never throws, and whatever it calls payload lies inside
// the captured bytes; a well-formed stack within its limits decodes to exactly what was built.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import fc from 'fast-check';
import type {PacketRecord} from '../../source/decode/packet-record.js';
import {DecodedPacket, decodeStatus, type DecodeStatus} from '../../source/decode/decoded-packet.js';
import {decodePacket} from '../../source/decode/packet-decoder.js';
import {applyMutations, mutatedSeed} from '../support/byte-mutations.js';
import {checkProperty} from '../support/fuzz.js';
import {ethernet, ipv4, ipv6, ipv6FragmentHeader, ipv6OptionsHeader, tcp, udp} from '../support/packet-bytes.js';
import {seedPackets} from '../support/seed-packets.js';
import {concatBytes} from '../detect/support/bitcoin-builder.js';

const statuses = new Set<number>(Object.values(decodeStatus));
/** Every link type the decoder knows, and some it does not. */
const linkTypes = [0, 1, 9, 12, 14, 50, 101, 108, 113, 228, 229, 276, 147, 0xffff];
/** The decoder's own limit on stacked VLAN tags and MPLS labels. */
const maxStackedHeaders = 8;

/** Decodes and checks what must hold for any bytes. */
function decodeChecked(record: PacketRecord, decoded: DecodedPacket): DecodeStatus {
	const status = decodePacket(record, decoded);
	assert.ok(statuses.has(status), `status ${status}`);
	if (status === decodeStatus.ip) {
		assert.ok(decoded.ipVersion === 4 || decoded.ipVersion === 6, `IP version ${decoded.ipVersion}`);
		const end = Math.min(record.offset + record.capturedLength, record.data.length);
		assert.ok(decoded.payloadLength >= 0, `payload length ${decoded.payloadLength}`);
		assert.ok(decoded.payloadOffset >= record.offset && decoded.payloadOffset + decoded.payloadLength <= end, 'the payload lies inside the captured bytes');
		assert.ok(decoded.sourcePort >= 0 && decoded.sourcePort <= 0xffff && decoded.destinationPort >= 0 && decoded.destinationPort <= 0xffff);
		assert.ok(decoded.sequence >= 0 && decoded.sequence <= 0xffffffff && decoded.acknowledgment >= 0 && decoded.acknowledgment <= 0xffffffff);
	}
	return status;
}

type Extension = {type: 0 | 43 | 60 | 135 | 139 | 140; extraUnits: number} | {type: 51; extraWords: number} | {type: 44};

const extension: fc.Arbitrary<Extension> = fc.oneof(
	fc.record({type: fc.constantFrom(0 as const, 43 as const, 60 as const, 135 as const, 139 as const, 140 as const), extraUnits: fc.nat(4)}),
	fc.record({type: fc.constant(51 as const), extraWords: fc.nat(6)}),
	fc.record({type: fc.constant(44 as const)}),
);

function extensionBytes(header: Extension, next: number): Uint8Array {
	switch (header.type) {
		case 44:
			return ipv6FragmentHeader(next, 0, false);
		case 51: {
			// Authentication header: its length counts 4-byte words, less two.
			const bytes = new Uint8Array((header.extraWords + 3) * 4);
			bytes[0] = next;
			bytes[1] = header.extraWords + 1;
			return bytes;
		}
		default:
			return ipv6OptionsHeader(next, header.extraUnits);
	}
}

const port = fc.integer({min: 0, max: 0xffff});
const stack = fc.record({
	vlanTags: fc.array(fc.record({tpid: fc.constantFrom(0x8100, 0x88a8, 0x9100), vid: fc.nat(4095)}), {maxLength: 20}),
	ipv6Extensions: fc.option(fc.array(extension, {maxLength: 30}), {nil: undefined}),
	ipv4OptionWords: fc.nat(10),
	udp: fc.boolean(),
	sourcePort: port,
	destinationPort: port,
	sequence: fc.integer({min: 0, max: 0xffffffff}),
	flags: fc.integer({min: 0, max: 0xff}),
	tcpOptionWords: fc.nat(10),
	checksum: fc.integer({min: 0, max: 0xffff}),
	payload: fc.uint8Array({maxLength: 200}),
	before: fc.uint8Array({maxLength: 16}),
	after: fc.uint8Array({maxLength: 16}),
	cut: fc.option(fc.nat(), {nil: undefined}),
});

type Stack = typeof stack extends fc.Arbitrary<infer Value> ? Value : never;

/** The frame the stack describes, and the record that points at it inside a larger buffer. */
function build(parts: Stack): {record: PacketRecord; ipStart: number} {
	const transport = parts.udp
		? udp(parts.sourcePort, parts.destinationPort, parts.payload)
		: tcp({sourcePort: parts.sourcePort, destinationPort: parts.destinationPort, sequence: parts.sequence, flags: parts.flags, payload: parts.payload, options: new Array<number>(parts.tcpOptionWords * 4).fill(1)});
	// Checksums are never verified: any value must decode the same.
	transport.set([parts.checksum >>> 8, parts.checksum & 0xff], parts.udp ? 6 : 16);
	const protocol = parts.udp ? 17 : 6;
	let packet: Uint8Array;
	if (parts.ipv6Extensions === undefined) {
		packet = ipv4({source: '192.0.2.1', destination: '198.51.100.2', protocol, payload: transport, options: new Array<number>(parts.ipv4OptionWords * 4).fill(1)});
	} else {
		const headers = parts.ipv6Extensions;
		const chain = headers.map((header, index) => extensionBytes(header, index + 1 < headers.length ? headers[index + 1]!.type : protocol));
		packet = ipv6({source: '2001:db8::1', destination: '2001:db8::2', nextHeader: headers[0]?.type ?? protocol, payload: concatBytes(...chain, transport)});
	}
	const frame = ethernet(parts.ipv6Extensions === undefined ? 0x0800 : 0x86dd, packet, parts.vlanTags);
	const capturedLength = parts.cut === undefined ? frame.length : parts.cut % (frame.length + 1);
	return {record: {linkType: 1, timestampMicros: 0, data: concatBytes(parts.before, frame, parts.after), offset: parts.before.length, capturedLength, originalLength: frame.length}, ipStart: parts.before.length + 14 + parts.vlanTags.length * 4};
}

describe('packet decoder fuzz', () => {
	const decoded = new DecodedPacket();

	test('mutated real packets under any link type', () => {
		const seeds = seedPackets();
		assert.ok(seeds.length > 0);
		checkProperty(
			fc.property(mutatedSeed(seeds.length), fc.option(fc.constantFrom(...linkTypes), {nil: undefined}), ([seed, mutations], linkType) => {
				const bytes = applyMutations(seeds[seed]!.bytes, mutations);
				decodeChecked({linkType: linkType ?? seeds[seed]!.linkType, timestampMicros: 0, data: bytes, offset: 0, capturedLength: bytes.length, originalLength: bytes.length}, decoded);
			}),
			3000,
		);
	});

	test('VLAN stacks, IPv6 extension chains, TCP and UDP, built whole or cut short', () => {
		checkProperty(
			fc.property(stack, (parts) => {
				const {record} = build(parts);
				const status = decodeChecked(record, decoded);
				const whole = parts.cut === undefined;
				if (!whole) return;
				if (parts.vlanTags.length > maxStackedHeaders) {
					assert.equal(status, decodeStatus.malformed, 'too many VLAN tags is malformed');
					return;
				}
				assert.equal(status, decodeStatus.ip);
				assert.equal(decoded.ipVersion, parts.ipv6Extensions === undefined ? 4 : 6);
				assert.equal(decoded.protocol, parts.udp ? 17 : 6);
				assert.equal(decoded.sourcePort, parts.sourcePort);
				assert.equal(decoded.destinationPort, parts.destinationPort);
				assert.deepEqual(decoded.data.subarray(decoded.payloadOffset, decoded.payloadOffset + decoded.payloadLength), parts.payload, 'exactly the payload, no link padding');
				if (!parts.udp) assert.equal(decoded.sequence, parts.sequence);
			}),
			3000,
		);
	});

	test('built stacks with their IP and transport length fields set to lies', () => {
		checkProperty(
			fc.property(stack, fc.array(fc.record({field: fc.nat(60), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff)}), {minLength: 1, maxLength: 4}), (parts, damage) => {
				const {record, ipStart} = build(parts);
				// Damage lands in the IP and transport headers, where the lengths are.
				for (const {field, value} of damage) if (ipStart + field < record.data.length) record.data[ipStart + field] = value;
				decodeChecked(record, decoded);
			}),
			3000,
		);
	});
});
