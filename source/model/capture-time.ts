// Capture time as the messages carry it. A damaged pcapng can claim any 64-bit time, far past the
// years a Date holds (±8.64e15 ms around 1970), where toISOString throws: such a time is shown at
// the edge of that range instead, so a nonsense timestamp reads as one and stops nothing.

const dateLimitMicros = 8.64e18;

/** ISO 8601 text of a capture time in µs since the epoch, held within the range a Date can show. */
export function captureTimeText(micros: number): string {
	return new Date(Math.min(Math.max(micros, -dateLimitMicros), dateLimitMicros) / 1000).toISOString();
}
