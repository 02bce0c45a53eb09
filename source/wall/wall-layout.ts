// Where each widget of the wall goes for a terminal size. Big screens get a row of LCD counters
// and an alerts-by-detection chart; smaller ones keep the chart, the host table and the alert log
// and move the counters into the header line; below a minimum the wall asks for a larger terminal.
import {severitiesDescending} from '../view/severity-style.js';
import type {Severity} from '../model/messages.js';
import type {TerminalSize} from '../view/layout.js';

export interface Rectangle {
	top: number;
	left: number;
	width: number;
	height: number;
}

export interface WallLayout {
	header: Rectangle;
	/** One LCD counter per severity, highest first; absent on smaller screens. */
	counters?: Array<{severity: Severity; area: Rectangle}>;
	detections?: Rectangle;
	chart: Rectangle;
	hosts: Rectangle;
	alerts: Rectangle;
}

export const minimumWallSize: TerminalSize = {columns: 60, rows: 16};
const countersFrom: TerminalSize = {columns: 100, rows: 30};
/** Below this width the chart and the host table are stacked, not side by side. */
const sideBySideFrom = 120;

/** Rows inside a bordered widget. */
export function innerRows(area: Rectangle): number {
	return Math.max(0, area.height - 2);
}

/** Host rows a bordered contrib table shows: two rows go to the border, two to its header. */
export function hostTableRows(area: Rectangle): number {
	return Math.max(1, area.height - 4);
}

export function computeWallLayout(size: TerminalSize): WallLayout | undefined {
	const {columns, rows} = size;
	if (columns < minimumWallSize.columns || rows < minimumWallSize.rows) {
		return undefined;
	}

	const header: Rectangle = {top: 0, left: 0, width: columns, height: 1};
	let top = 1;
	let counters: WallLayout['counters'];
	let detections: Rectangle | undefined;
	if (columns >= countersFrom.columns && rows >= countersFrom.rows) {
		const height = Math.max(8, Math.min(12, Math.round(rows * 0.2)));
		const countersWidth = Math.round(columns * 0.6);
		const each = Math.floor(countersWidth / severitiesDescending.length);
		counters = severitiesDescending.map((severity, index) => ({
			severity,
			area: {top, left: index * each, width: index === severitiesDescending.length - 1 ? countersWidth - index * each : each, height},
		}));
		detections = {top, left: countersWidth, width: columns - countersWidth, height};
		top += height;
	}

	const remaining = rows - top;
	if (columns >= sideBySideFrom) {
		const bandHeight = Math.round(remaining * 0.5);
		const chartWidth = Math.round(columns * 0.5);
		return {
			header,
			counters,
			detections,
			chart: {top, left: 0, width: chartWidth, height: bandHeight},
			hosts: {top, left: chartWidth, width: columns - chartWidth, height: bandHeight},
			alerts: {top: top + bandHeight, left: 0, width: columns, height: remaining - bandHeight},
		};
	}

	const chartHeight = Math.max(7, Math.round(remaining * 0.34));
	const hostsHeight = Math.max(5, Math.round(remaining * 0.33));
	return {
		header,
		counters,
		detections,
		chart: {top, left: 0, width: columns, height: chartHeight},
		hosts: {top: top + chartHeight, left: 0, width: columns, height: hostsHeight},
		alerts: {top: top + chartHeight + hostsHeight, left: 0, width: columns, height: remaining - chartHeight - hostsHeight},
	};
}
