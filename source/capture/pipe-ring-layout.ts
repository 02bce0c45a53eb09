// The shared control words of PipeRingStream and the thread that fills its ring.

/** Int32 slots of the control array. Positions are byte counts mod 2^32; the ring size divides 2^32. */
export const ringSlot = {
	/** How far the thread has written; it notifies here after each read and when it stops. */
	written: 0,
	/** How far the reader has released; the thread waits here while the ring is full. */
	released: 1,
	state: 2,
	count: 3,
} as const;

export const ringState = {
	reading: 0,
	/** The pipe reached end of file and everything read is in the ring. */
	ended: 1,
	/** The reader closed: the thread stops at its next look. */
	stopAsked: 2,
} as const;

export interface PipeRingData {
	/** The pipe, opened anew as a non-blocking description of its own; its opener closes it once the thread has exited. */
	fd: number;
	ring: SharedArrayBuffer;
	control: Int32Array;
}
