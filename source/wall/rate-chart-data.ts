// The line chart's data: each mining or node family's byte rate over the last minutes of capture
// time, from the same RateHistory the Ink sparklines use. `other` is left out: ordinary traffic
// would flatten every line worth watching (the header carries the link's total rate).
import {protocolFamilies, type ProtocolFamily} from '../model/messages.js';
import type {RateHistory} from '../view/rate-history.js';
import {familyLabels} from '../view/protocol-names.js';
import {familyCanvasColors, type CanvasColor} from './wall-colors.js';

export type ChartedFamily = Exclude<ProtocolFamily, 'other'>;

export const chartedFamilies = protocolFamilies.filter((family): family is ChartedFamily => family !== 'other');

export interface ChartSeries {
	title: string;
	x: string[];
	y: number[];
	color: CanvasColor;
}

export interface RateChartData {
	/** Unit of every y value, e.g. `kB/s`. */
	unit: string;
	series: ChartSeries[];
	/** Set when every value is zero, so the chart still has a scale. */
	maxY?: number;
}

const units = ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'];

/** `-2m30s`: how long before the newest complete bucket a point lies. */
export function ageLabel(seconds: number): string {
	if (seconds <= 0) {
		return 'now';
	}

	if (seconds < 60) {
		return `-${Math.round(seconds)}s`;
	}

	const minutes = Math.floor(seconds / 60);
	const rest = Math.round(seconds % 60);
	return rest === 0 ? `-${minutes}m` : `-${minutes}m${String(rest).padStart(2, '0')}s`;
}

/**
 * `points` values per family that had traffic in the window, oldest first, zero-padded on the left
 * until history fills; at most `maximumSeries` of them, the busiest.
 */
export function rateChartData(history: RateHistory, points: number, maximumSeries: number = chartedFamilies.length): RateChartData {
	const bucketSeconds = history.bucketMilliseconds / 1000;
	const x = Array.from({length: points}, (_, index) => ageLabel((points - 1 - index) * bucketSeconds));
	const busy: Array<{family: ChartedFamily; values: number[]; peak: number}> = [];
	for (const family of chartedFamilies) {
		const recent = history.rates(family, 'bytes', points);
		const values = [...new Array<number>(points - recent.length).fill(0), ...recent];
		const peak = Math.max(0, ...values);
		if (peak > 0) {
			busy.push({family, values, peak});
		}
	}

	// Sorting is stable, so equally busy families keep the order of protocolFamilies.
	const shown = busy.sort((a, b) => b.peak - a.peak).slice(0, Math.max(1, maximumSeries));
	const maximum = shown[0]?.peak ?? 0;

	let unitIndex = 0;
	let divisor = 1;
	while (maximum / divisor >= 1000 && unitIndex < units.length - 1) {
		divisor *= 1000;
		unitIndex++;
	}

	const series: ChartSeries[] = shown.map(({family, values}) => ({
		title: familyLabels[family],
		x,
		y: values.map(value => value / divisor),
		color: familyCanvasColors[family],
	}));
	if (series.length === 0) {
		return {unit: units[0]!, series: [{title: 'none yet', x, y: new Array<number>(points).fill(0), color: 'white'}], maxY: 1};
	}

	return {unit: units[unitIndex]!, series};
}
