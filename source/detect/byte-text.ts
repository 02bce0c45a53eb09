// Comparing wire bytes with text in place, without making a string of the bytes.

/** Whether bytes[start, end) are the characters of `text`, one byte each (ASCII or latin1). */
export function spells(bytes: Uint8Array, start: number, end: number, text: string): boolean {
	if (text.length !== end - start) return false;
	for (let index = 0; index < text.length; index++) if (bytes[start + index] !== text.charCodeAt(index)) return false;
	return true;
}
