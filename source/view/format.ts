// Human-readable numbers for a monitor: SI units, capture-time clocks, short ages.
const siPrefixes = ['', 'k', 'M', 'G', 'T', 'P'];

function scaled(value: number): {amount: string; prefix: string} {
	let amount = Math.max(0, value);
	let index = 0;
	while (amount >= 999.5 && index < siPrefixes.length - 1) {
		amount /= 1000;
		index++;
	}

	const digits = index === 0 || amount >= 100 ? 0 : (amount >= 10 ? 1 : 2);
	return {amount: amount.toFixed(digits), prefix: siPrefixes[index] ?? ''};
}

export function formatBytes(bytes: number): string {
	const {amount, prefix} = scaled(bytes);
	return `${amount} ${prefix}B`;
}

export function formatBitRate(bitsPerSecond: number): string {
	const {amount, prefix} = scaled(bitsPerSecond);
	return `${amount} ${prefix}b/s`;
}

/**
 * An address and port as people write them: `[2001:db8::1]:8333` for IPv6, and the address alone
 * for port 0 (a pool lookup's peer is the address a name resolved to, with no connection yet).
 */
export function formatEndpoint(address: string, port: number): string {
	if (port === 0) return address;
	return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Compact count: 950, 12.3k, 4.56M. */
export function formatCount(count: number): string {
	const {amount, prefix} = scaled(count);
	return `${amount}${prefix}`;
}

export function formatInteger(count: number): string {
	return Math.round(count).toLocaleString('en-US');
}

/** `1 host`, `2 hosts`, `1.2k hosts`: the noun agrees with the number as it is shown. */
export function quantity(count: number, noun: string, formatNumber: (count: number) => string = formatInteger): string {
	const shown = formatNumber(count);
	return `${shown} ${shown === '1' ? noun : `${noun}s`}`;
}

export function formatPacketRate(packetsPerSecond: number): string {
	return `${formatCount(packetsPerSecond)}/s`;
}

function twoDigits(value: number): string {
	return String(value).padStart(2, '0');
}

/** `HH:MM:SS` in UTC: capture time, the same whatever the viewer's time zone. */
export function formatClock(time: number | string): string {
	const date = new Date(time);
	if (Number.isNaN(date.getTime())) {
		return '--:--:--';
	}

	return `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC. */
export function formatTimestamp(time: number | string): string {
	const date = new Date(time);
	if (Number.isNaN(date.getTime())) {
		return '—';
	}

	return `${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())} ${formatClock(date.getTime())}`;
}

/** `45s`, `3m 12s`, `2h 05m`, `3d 04h`. */
export function formatDuration(milliseconds: number): string {
	const seconds = Math.max(0, Math.floor(milliseconds / 1000));
	if (seconds < 60) {
		return `${seconds}s`;
	}

	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) {
		return `${minutes}m ${twoDigits(seconds % 60)}s`;
	}

	const hours = Math.floor(minutes / 60);
	if (hours < 24) {
		return `${hours}h ${twoDigits(minutes % 60)}m`;
	}

	return `${Math.floor(hours / 24)}d ${twoDigits(hours % 24)}h`;
}

/** How long before `now` something was last seen, in capture time. */
export function formatAge(lastSeen: number, now: number): string {
	const age = now - lastSeen;
	return age < 1000 ? 'now' : formatDuration(age);
}

export function formatSpeed(speed: number | 'max'): string {
	return speed === 'max' ? 'max' : `${speed}×`;
}
