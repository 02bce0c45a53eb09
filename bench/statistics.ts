// Order statistics for the benchmarks' samples.

/** The value at `fraction` (0.5: the median) of the sorted values; NaN for none. */
export function quantile(values: readonly number[], fraction: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
	return quantile(values, 0.5);
}
