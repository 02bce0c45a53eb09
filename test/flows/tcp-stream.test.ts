import {test} from 'node:test';
import assert from 'node:assert/strict';
import {TcpStream} from '../../source/flows/tcp-stream.js';

const encoder = new TextEncoder();

function add(stream: TcpStream, sequence: number, value: string): number {
	const bytes = encoder.encode(value);
	return stream.add(sequence >>> 0, bytes, 0, bytes.length);
}

function contents(stream: TcpStream): string {
	return new TextDecoder().decode(stream.bytes());
}

test('starts at the SYN ISN + 1 and places out-of-order segments when the gap fills', () => {
	const stream = new TcpStream(1024);
	stream.anchorAtSyn(999);
	assert.equal(add(stream, 1010, 'world'), 0);
	assert.equal(contents(stream), '');
	assert.equal(add(stream, 1000, 'hello, ', ), 7);
	assert.equal(contents(stream), 'hello, ');
	assert.equal(add(stream, 1007, 'big'), 8);
	assert.equal(contents(stream), 'hello, bigworld');
});

test('retransmissions add nothing; overlaps add only their new tail', () => {
	const stream = new TcpStream(1024);
	stream.anchorAtSyn(0);
	add(stream, 1, '0123456789');
	assert.equal(add(stream, 1, '0123456789'), 0);
	assert.equal(add(stream, 3, '2345'), 0);
	assert.equal(add(stream, 6, '56789ABCDE'), 5);
	assert.equal(contents(stream), '0123456789ABCDE');
	assert.equal(add(stream, 0, 'x0123456789ABCDEF'), 1, 'a segment starting before the stream is trimmed');
	assert.equal(contents(stream), '0123456789ABCDEF');
});

test('without a SYN the stream starts at the first data segment', () => {
	const stream = new TcpStream(1024);
	add(stream, 5_000_000, 'mid-stream ');
	add(stream, 5_000_011, 'bytes');
	assert.equal(contents(stream), 'mid-stream bytes');
});

test('sequence numbers wrap past 2^32', () => {
	const stream = new TcpStream(1024);
	stream.anchorAtSyn(0xfffffffa);
	add(stream, 0xfffffffb, 'abcd');
	add(stream, 0x00000003, 'ijkl');
	add(stream, 0xffffffff, 'efgh');
	assert.equal(contents(stream), 'abcdefghijkl');
});

test('a gap that never fills leaves the in-order prefix', () => {
	const stream = new TcpStream(1024);
	stream.anchorAtSyn(0);
	add(stream, 1, 'prefix');
	add(stream, 20, 'after a lost segment');
	assert.equal(contents(stream), 'prefix');
});

test('the cap bounds the stream, including segments placed later', () => {
	const stream = new TcpStream(8);
	stream.anchorAtSyn(0);
	add(stream, 7, 'ghijkl');
	assert.equal(add(stream, 1, 'abcdef'), 8);
	assert.equal(contents(stream), 'abcdefgh');
	assert.equal(add(stream, 13, 'more'), 0);
	assert.equal(contents(stream), 'abcdefgh');
});

test('a repeated SYN with a new ISN moves the start while no data came', () => {
	const stream = new TcpStream(64);
	stream.anchorAtSyn(100);
	stream.anchorAtSyn(5000);
	add(stream, 5001, 'hello');
	assert.equal(contents(stream), 'hello');
});

test('release frees the bytes and stops the stream', () => {
	const stream = new TcpStream(64);
	add(stream, 1, 'hello');
	stream.release();
	assert.equal(stream.bytes().length, 0);
	assert.equal(add(stream, 6, 'world'), 0);
});

test('an out-of-order segment is copied out of the capture buffer it arrived in', () => {
	const stream = new TcpStream(1024);
	stream.anchorAtSyn(0);
	const chunk = Buffer.from('xxworldxx');
	assert.equal(stream.add(7, chunk, 2, 5), 0);
	chunk.fill(0x2d);
	const head = Buffer.from('hello,');
	assert.equal(stream.add(1, head, 0, head.length), 11);
	assert.equal(contents(stream), 'hello,world');
});
