import {test} from 'node:test';
import assert from 'node:assert/strict';
import {DecodedPacket, decodeStatus, ipProtocols} from '../../source/decode/decoded-packet.js';
import {decodePacket} from '../../source/decode/packet-decoder.js';
import {formatIpv4, formatIpv6} from '../../source/decode/ip-address-text.js';
import {concat, ethernet, etherTypes, flags, ipv4, ipv6, ipv6FragmentHeader, ipv6OptionsHeader, record, tcp, text, udp} from '../support/packet-bytes.js';

const packet = new DecodedPacket();
const stratumLine = text('{"id":1,"method":"mining.subscribe","params":[]}\n');

function tcpOverIpv4(payload = stratumLine, sequence = 0xfffffff0): Uint8Array {
	return ipv4({
		source: '192.168.2.148',
		destination: '94.23.199.191',
		protocol: ipProtocols.tcp,
		payload: tcp({sourcePort: 46838, destinationPort: 3333, sequence, acknowledgment: 0x80000001, flags: flags.psh | flags.ack, payload}),
	});
}

function tcpOverIpv6(): Uint8Array {
	return ipv6({
		source: '2001:db8::2',
		destination: '2001:db8:0:1::9',
		nextHeader: ipProtocols.tcp,
		payload: tcp({sourcePort: 50000, destinationPort: 8333, sequence: 7, flags: flags.syn}),
	});
}

function payloadText(decoded: DecodedPacket): string {
	return new TextDecoder().decode(decoded.data.subarray(decoded.payloadOffset, decoded.payloadOffset + decoded.payloadLength));
}

function assertStratumTcp(status: number): void {
	assert.equal(status, decodeStatus.ip);
	assert.equal(packet.ipVersion, 4);
	assert.equal(formatIpv4(packet.source[0]!), '192.168.2.148');
	assert.equal(formatIpv4(packet.destination[0]!), '94.23.199.191');
	assert.equal(packet.protocol, ipProtocols.tcp);
	assert.equal(packet.hasPorts, true);
	assert.equal(packet.sourcePort, 46838);
	assert.equal(packet.destinationPort, 3333);
	assert.equal(payloadText(packet), new TextDecoder().decode(stratumLine));
}

test('Ethernet IPv4 TCP: addresses, ports, unsigned sequence numbers, flags and payload', () => {
	assertStratumTcp(decodePacket(record(1, ethernet(etherTypes.ipv4, tcpOverIpv4())), packet));
	assert.equal(packet.sequence, 0xfffffff0);
	assert.equal(packet.acknowledgment, 0x80000001);
	assert.equal(packet.flags, flags.psh | flags.ack);
});

test('stacked VLAN tags: 802.1Q, 802.1ad QinQ and the legacy 0x9100 tag', () => {
	const single = ethernet(etherTypes.ipv4, tcpOverIpv4(), [{tpid: etherTypes.vlan, vid: 100}]);
	assertStratumTcp(decodePacket(record(1, single), packet));
	const qinq = ethernet(etherTypes.ipv4, tcpOverIpv4(), [{tpid: etherTypes.qinq, vid: 10}, {tpid: etherTypes.vlan, vid: 20}]);
	assertStratumTcp(decodePacket(record(1, qinq), packet));
	const legacy = ethernet(etherTypes.ipv4, tcpOverIpv4(), [{tpid: etherTypes.legacyQinQ, vid: 10}, {tpid: etherTypes.vlan, vid: 20}]);
	assertStratumTcp(decodePacket(record(1, legacy), packet));
});

test('Linux cooked captures: SLL (113) and SLL2 (276)', () => {
	const sll = Uint8Array.from([0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x00, 0x08, 0x00]);
	assertStratumTcp(decodePacket(record(113, concat(sll, tcpOverIpv4())), packet));
	const sll2 = Uint8Array.from([0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x04, 0x06, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x00]);
	assert.equal(decodePacket(record(276, concat(sll2, tcpOverIpv6())), packet), decodeStatus.ip);
	assert.equal(packet.ipVersion, 6);
	assert.equal(packet.destinationPort, 8333);
});

test('BSD loopback: address family in either byte order, IPv6 as 24, 28 or 30', () => {
	const littleEndianInet = Uint8Array.from([2, 0, 0, 0]);
	const bigEndianInet = Uint8Array.from([0, 0, 0, 2]);
	assertStratumTcp(decodePacket(record(0, concat(littleEndianInet, tcpOverIpv4())), packet));
	assertStratumTcp(decodePacket(record(0, concat(bigEndianInet, tcpOverIpv4())), packet));
	assertStratumTcp(decodePacket(record(108, concat(bigEndianInet, tcpOverIpv4())), packet));
	for (const family of [24, 28, 30]) {
		assert.equal(decodePacket(record(0, concat(Uint8Array.from([family, 0, 0, 0]), tcpOverIpv6())), packet), decodeStatus.ip);
		assert.equal(packet.ipVersion, 6);
		assert.equal(decodePacket(record(108, concat(Uint8Array.from([0, 0, 0, family]), tcpOverIpv6())), packet), decodeStatus.ip);
		assert.equal(formatIpv6(packet.source[0]!, packet.source[1]!, packet.source[2]!, packet.source[3]!), '2001:db8::2');
	}
	assert.equal(decodePacket(record(0, concat(Uint8Array.from([7, 0, 0, 0]), tcpOverIpv4())), packet), decodeStatus.notIp);
});

test('raw IP link types: 101 and 12 by version nibble, 228 IPv4, 229 IPv6', () => {
	assertStratumTcp(decodePacket(record(101, tcpOverIpv4()), packet));
	assertStratumTcp(decodePacket(record(12, tcpOverIpv4()), packet));
	assertStratumTcp(decodePacket(record(228, tcpOverIpv4()), packet));
	assert.equal(decodePacket(record(101, tcpOverIpv6()), packet), decodeStatus.ip);
	assert.equal(packet.ipVersion, 6);
	assert.equal(decodePacket(record(229, tcpOverIpv6()), packet), decodeStatus.ip);
	assert.equal(decodePacket(record(229, tcpOverIpv4()), packet), decodeStatus.malformed);
});

test('PPP with and without the HDLC address/control bytes', () => {
	assertStratumTcp(decodePacket(record(9, concat(Uint8Array.from([0xff, 0x03, 0x00, 0x21]), tcpOverIpv4())), packet));
	assertStratumTcp(decodePacket(record(9, concat(Uint8Array.from([0x00, 0x21]), tcpOverIpv4())), packet));
});

test('a packet inside a larger buffer is read from its offset and captured length only', () => {
	const frame = ethernet(etherTypes.ipv4, tcpOverIpv4());
	const buffer = concat(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x11]), frame, text('next record bytes'));
	const status = decodePacket({linkType: 1, timestampMicros: 0, data: buffer, offset: 5, capturedLength: frame.length, originalLength: frame.length}, packet);
	assertStratumTcp(status);
});

test('IPv4 options are skipped by the header length', () => {
	const routerAlert = [0x94, 0x04, 0x00, 0x00];
	const bytes = ipv4({
		source: '192.168.2.148',
		destination: '94.23.199.191',
		protocol: ipProtocols.tcp,
		options: [...routerAlert, 0x01, 0x01, 0x01, 0x00],
		payload: tcp({sourcePort: 46838, destinationPort: 3333, sequence: 1, flags: flags.ack, payload: stratumLine}),
	});
	assert.equal(bytes[0], 0x47);
	assertStratumTcp(decodePacket(record(101, bytes), packet));
});

test('IPv4 fragments: the first is decoded for ports, later ones are counted and never read as TCP', () => {
	const segment = tcp({sourcePort: 46838, destinationPort: 3333, sequence: 1, flags: flags.ack, payload: stratumLine});
	const first = ipv4({source: '192.168.2.148', destination: '94.23.199.191', protocol: ipProtocols.tcp, moreFragments: true, payload: segment.subarray(0, 40)});
	assert.equal(decodePacket(record(101, first), packet), decodeStatus.ip);
	assert.equal(packet.destinationPort, 3333);
	assert.equal(packet.payloadLength, 20);
	// The rest of the segment; its first bytes happen to look like a TCP header with other ports.
	const later = ipv4({source: '192.168.2.148', destination: '94.23.199.191', protocol: ipProtocols.tcp, fragmentOffset: 5, payload: concat(segment.subarray(0, 20), segment.subarray(40))});
	assert.equal(decodePacket(record(101, later), packet), decodeStatus.nonFirstFragment);
	assert.equal(packet.hasPorts, false);
	assert.equal(formatIpv4(packet.source[0]!), '192.168.2.148');
});

test('IPv6 extension headers are walked to the upper layer', () => {
	const routing = Uint8Array.from([ipProtocols.udp, 0, 0, 0, 0, 0, 0, 0]);
	routing[0] = 60;
	const chain = concat(ipv6OptionsHeader(43), routing, ipv6OptionsHeader(ipProtocols.udp, 1), udp(5353, 53, text('query')));
	const bytes = ipv6({source: 'fe80::1', destination: 'ff02::fb', nextHeader: 0, payload: chain});
	assert.equal(decodePacket(record(229, bytes), packet), decodeStatus.ip);
	assert.equal(packet.protocol, ipProtocols.udp);
	assert.equal(packet.sourcePort, 5353);
	assert.equal(packet.destinationPort, 53);
	assert.equal(payloadText(packet), 'query');
});

test('IPv6 authentication header length is counted in 4-byte units', () => {
	const authentication = new Uint8Array(24);
	authentication[0] = ipProtocols.tcp;
	authentication[1] = 4;
	const bytes = ipv6({source: '2001:db8::2', destination: '2001:db8::3', nextHeader: 51, payload: concat(authentication, tcp({sourcePort: 1, destinationPort: 18080, sequence: 1, flags: flags.syn}))});
	assert.equal(decodePacket(record(229, bytes), packet), decodeStatus.ip);
	assert.equal(packet.destinationPort, 18080);
});

test('IPv6 fragments: the first gives ports, later ones are counted; ESP stops the walk', () => {
	const datagram = udp(40000, 3478, text('binding request body'));
	const first = ipv6({source: '2001:db8::2', destination: '2001:db8::3', nextHeader: 44, payload: concat(ipv6FragmentHeader(ipProtocols.udp, 0, true), datagram.subarray(0, 16))});
	assert.equal(decodePacket(record(229, first), packet), decodeStatus.ip);
	assert.equal(packet.destinationPort, 3478);
	const later = ipv6({source: '2001:db8::2', destination: '2001:db8::3', nextHeader: 44, payload: concat(ipv6FragmentHeader(ipProtocols.udp, 2, false), datagram.subarray(16))});
	assert.equal(decodePacket(record(229, later), packet), decodeStatus.nonFirstFragment);
	assert.equal(packet.hasPorts, false);
	const esp = ipv6({source: '2001:db8::2', destination: '2001:db8::3', nextHeader: 50, payload: text('\x00\x00\x10\x01opaque encrypted bytes')});
	assert.equal(decodePacket(record(229, esp), packet), decodeStatus.ip);
	assert.equal(packet.protocol, 50);
	assert.equal(packet.hasPorts, false);
});

test('Ethernet padding never becomes payload', () => {
	const bare = ethernet(etherTypes.ipv4, ipv4({source: '10.0.0.1', destination: '10.0.0.2', protocol: ipProtocols.tcp, payload: tcp({sourcePort: 1, destinationPort: 2, sequence: 1, flags: flags.ack})}));
	const padded = concat(bare, new Uint8Array(60 - bare.length).fill(0xaa));
	assert.equal(padded.length, 60);
	assert.equal(decodePacket(record(1, padded), packet), decodeStatus.ip);
	assert.equal(packet.payloadLength, 0);
	const smallUdp = ethernet(etherTypes.ipv4, ipv4({source: '10.0.0.1', destination: '10.0.0.2', protocol: ipProtocols.udp, payload: udp(1, 2, text('hi'))}));
	assert.equal(decodePacket(record(1, concat(smallUdp, new Uint8Array(60 - smallUdp.length))), packet), decodeStatus.ip);
	assert.equal(payloadText(packet), 'hi');
});

test('a snap-length cut packet keeps only the captured payload', () => {
	const whole = tcpOverIpv4();
	assert.equal(decodePacket(record(101, whole.subarray(0, 50)), packet), decodeStatus.ip);
	assert.equal(packet.payloadLength, 10);
});

test('malformed and unsupported input is reported, never thrown', () => {
	const valid = tcpOverIpv4();
	assert.equal(decodePacket(record(1, ethernet(etherTypes.ipv4, valid).subarray(0, 10)), packet), decodeStatus.malformed);
	assert.equal(decodePacket(record(101, valid.subarray(0, 30)), packet), decodeStatus.malformed, 'TCP header cut short');
	const badHeaderLength = valid.slice();
	badHeaderLength[0] = 0x44;
	assert.equal(decodePacket(record(101, badHeaderLength), packet), decodeStatus.malformed);
	const shortTotal = ipv4({source: '10.0.0.1', destination: '10.0.0.2', protocol: ipProtocols.tcp, payload: valid.subarray(20), totalLength: 12});
	assert.equal(decodePacket(record(101, shortTotal), packet), decodeStatus.malformed);
	const badDataOffset = valid.slice();
	badDataOffset[32] = 0x40;
	assert.equal(decodePacket(record(101, badDataOffset), packet), decodeStatus.malformed);
	const badUdpLength = ipv4({source: '10.0.0.1', destination: '10.0.0.2', protocol: ipProtocols.udp, payload: Uint8Array.from([0, 53, 0, 53, 0, 4, 0, 0])});
	assert.equal(decodePacket(record(101, badUdpLength), packet), decodeStatus.malformed);
	const hugeExtension = ipv6({source: '::1', destination: '::1', nextHeader: 0, payload: Uint8Array.from([6, 200, 0, 0, 0, 0, 0, 0])});
	assert.equal(decodePacket(record(229, hugeExtension), packet), decodeStatus.malformed);
	const tooManyTags = ethernet(etherTypes.ipv4, valid, Array.from({length: 9}, () => ({tpid: etherTypes.vlan, vid: 1})));
	assert.equal(decodePacket(record(1, tooManyTags), packet), decodeStatus.malformed);
	assert.equal(decodePacket(record(1, new Uint8Array(0)), packet), decodeStatus.malformed);
	assert.equal(decodePacket(record(101, Uint8Array.from([0x50, 0, 0, 0])), packet), decodeStatus.notIp);
	assert.equal(decodePacket(record(147, valid), packet), decodeStatus.unsupportedLinkType);
	const arp = ethernet(etherTypes.arp, Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, ...new Array<number>(20).fill(0)]));
	assert.equal(decodePacket(record(1, arp), packet), decodeStatus.notIp);
});

test('every truncation of a valid frame decodes or fails cleanly', () => {
	const frame = ethernet(etherTypes.ipv6, ipv6({
		source: '2001:db8::2',
		destination: '2001:db8::3',
		nextHeader: 0,
		payload: concat(ipv6OptionsHeader(44), ipv6FragmentHeader(ipProtocols.tcp, 0, false), tcp({sourcePort: 1, destinationPort: 2, sequence: 3, flags: flags.ack, payload: stratumLine})),
	}), [{tpid: etherTypes.vlan, vid: 5}]);
	for (let length = 0; length <= frame.length; length++) {
		const status = decodePacket(record(1, frame.subarray(0, length)), packet);
		assert.ok(status === decodeStatus.ip || status === decodeStatus.malformed, `length ${length}`);
		if (status === decodeStatus.ip) assert.ok(packet.payloadOffset + packet.payloadLength <= length);
	}
});

test('a TCP data offset past the end of the packet is malformed', () => {
	const bytes = ipv4({source: '10.0.0.1', destination: '10.0.0.2', protocol: ipProtocols.tcp, payload: tcp({sourcePort: 1, destinationPort: 2, sequence: 1, flags: flags.ack, payload: text('abcd')})});
	bytes[32] = 0xf0;
	assert.equal(decodePacket(record(101, bytes), packet), decodeStatus.malformed);
});
