import {test} from 'node:test';
import assert from 'node:assert/strict';
import {PeerBook} from '../../source/flows/peer-book.js';

/** IPv4 peer words as the host table keeps them: the address in the first of four. */
function peer(address: number): Float64Array {
	return Float64Array.of(address, 0, 0, 0);
}

test('counts flows per (host, peer), keeps first-seen order, and caps peers per host', () => {
	const book = new PeerBook();
	book.growHosts(4);
	const first = book.countFlow(0, 11, 4, peer(0xc0a80001), 0, true, 3);
	assert.equal(book.countFlow(0, 11, 4, peer(0xc0a80001), 0, true, 3), first, 'a second flow with the same peer');
	const second = book.countFlow(0, 22, 4, peer(0x08080808), 0, false, 3);
	const third = book.countFlow(0, 33, 4, peer(0x01010101), 0, false, 3);
	assert.equal(new Set([first, second, third]).size, 3);
	assert.equal(book.countFlow(0, 11, 4, peer(0xc0a80001), 0, true, 3), first, 'found again once the host has many peers');
	assert.equal(book.countFlow(0, 44, 4, peer(0x02020202), 0, false, 3), -1, 'over the cap');
	assert.equal(book.countFlow(1, 11, 4, peer(0xc0a80001), 0, true, 3) === first, false, 'another host keeps its own tally');
	book.addBytes(second, book.generation(second), 500);
	assert.deepEqual(book.peersOf(0), [
		{address: '192.168.0.1', internal: true, flows: 3, bytes: 0},
		{address: '8.8.8.8', internal: false, flows: 1, bytes: 500},
		{address: '1.1.1.1', internal: false, flows: 1, bytes: 0},
	]);
	assert.equal(book.peerCount(0), 3);
	assert.equal(book.peerCount(1), 1);
});

test('a peer whose hash another peer of the host already holds gets no tally', () => {
	const book = new PeerBook();
	book.growHosts(1);
	book.countFlow(0, 7, 4, peer(0x0a000001), 0, true, 10);
	assert.equal(book.countFlow(0, 7, 4, peer(0x0a000002), 0, true, 10), -1, 'single peer');
	book.countFlow(0, 8, 4, peer(0x0a000003), 0, true, 10);
	assert.equal(book.countFlow(0, 7, 4, peer(0x0a000002), 0, true, 10), -1, 'indexed peers');
	assert.equal(book.peerCount(0), 2);
});

test('dropping a host frees its tallies; flows holding them add nothing to whoever reuses them', () => {
	const book = new PeerBook();
	book.growHosts(3);
	const single = book.countFlow(0, 1, 4, peer(1), 0, false, 10);
	const many = [book.countFlow(1, 2, 4, peer(2), 0, false, 10), book.countFlow(1, 3, 4, peer(3), 0, false, 10)];
	const oldGeneration = book.generation(single);
	book.dropHost(0);
	book.dropHost(1);
	assert.equal(book.peerCount(0), 0);
	assert.deepEqual(book.peersOf(1), []);
	const reused = book.countFlow(2, 1, 4, peer(1), 0, false, 10);
	assert.ok([single, ...many].includes(reused));
	book.addBytes(single, oldGeneration, 999);
	book.addBytes(reused, book.generation(reused), 5);
	assert.deepEqual(book.peersOf(2), [{address: '0.0.0.1', internal: false, flows: 1, bytes: 5}]);
	assert.equal(book.countFlow(1, 2, 4, peer(2), 0, false, 10) >= 0, true, 'a dropped host starts afresh');
	assert.equal(book.peerCount(1), 1);
});

test('IPv6 peers and many tallies (the book grows)', () => {
	const book = new PeerBook();
	book.growHosts(2);
	const words = Float64Array.of(0x20010db8, 0, 0, 0x99);
	const tally = book.countFlow(0, 5, 6, words, 0, false, 5000);
	for (let index = 0; index < 3000; index++) book.countFlow(1, 100 + index, 4, peer(index), 0, false, 5000);
	assert.equal(book.peerCount(1), 3000);
	assert.equal(book.countFlow(1, 100 + 1234, 4, peer(1234), 0, false, 5000) >= 0, true);
	assert.equal(book.peersOf(1)[1234]!.flows, 2);
	assert.deepEqual(book.peersOf(0), [{address: '2001:db8::99', internal: false, flows: 1, bytes: 0}]);
	assert.equal(book.countFlow(0, 5, 6, words, 0, false, 5000), tally);
});
