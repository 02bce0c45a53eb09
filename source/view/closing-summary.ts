// What is printed after the terminal is restored: one paragraph on what was watched and found.
import {severityRank, type AlertCounts, type End, type SourceInfo, type WorkerError} from '../model/messages.js';
import type {AlertEntry} from './alert-ring.js';
import {describeAlert} from './alert-description.js';
import {severitiesDescending, severityStyles} from './severity-style.js';
import {clip} from './display-text.js';
import {formatBytes, formatDuration, quantity} from './format.js';
import {describeSource} from './source-description.js';

/** `signal`: SIGINT or SIGTERM; `hangup`: the terminal closed (SIGHUP, or EIO on the terminal). */
export type UiExitReason = 'quit' | 'signal' | 'hangup' | 'worker-error' | 'internal-error';

export interface UiResult {
	reason: UiExitReason;
	/** The exit code the process should end with (source/exit-codes.ts). */
	exitCode: number;
	/** Wall-clock time the monitor was on screen. */
	wallMilliseconds: number;
	source?: SourceInfo;
	/** Capture time from the first to the last packet seen. */
	captureMilliseconds?: number;
	packets: number;
	bytes: number;
	flows: number;
	alertsOpen: AlertCounts;
	/** Distinct alerts received. */
	alertsSeen: number;
	/** The strongest alerts, strongest first (at most `topAlertCount`). */
	topAlerts: AlertEntry[];
	/** Present when the capture reached its end. */
	end?: End;
	/** The worker's fatal error, when that is what ended the monitor. */
	error?: WorkerError;
	/** One line, when an unexpected error in this process ended the monitor. */
	internalError?: string;
}

export const topAlertCount = 5;

export function strongestAlerts(alerts: readonly AlertEntry[], count: number = topAlertCount): AlertEntry[] {
	return [...alerts]
		.sort((a, b) => severityRank[b.alert.severity] - severityRank[a.alert.severity]
			|| b.alert.certainty - a.alert.certainty
			|| b.alert.count - a.alert.count)
		.slice(0, count);
}

const summaryWidth = 160;

export function closingSummary(result: UiResult): string {
	const source = result.source ? describeSource(result.source) : 'the capture';
	const capture = result.captureMilliseconds === undefined ? '' : ` (capture time ${formatDuration(result.captureMilliseconds)})`;
	const how = result.end ? `, ${result.end.reason === 'end-of-file' ? 'read to the end' : `ended: ${result.end.reason}`}` : '';
	const lines = [
		`minewatch watched ${clip(source, 80)} for ${formatDuration(result.wallMilliseconds)}${capture}${how}: ${quantity(result.packets, 'packet')}, ${formatBytes(result.bytes)}, ${quantity(result.flows, 'flow')}.`,
		`Open alerts: ${severitiesDescending.map(severity => `${result.alertsOpen[severity]} ${severity}`).join(', ')}; ${quantity(result.alertsSeen, 'distinct alert')} in all.`,
	];
	if (result.topAlerts.length > 0) {
		lines.push('Top alerts:');
		for (const entry of result.topAlerts) {
			const style = severityStyles[entry.alert.severity];
			lines.push(clip(`  ${style.glyph} ${style.label} ${describeAlert(entry)}`, summaryWidth));
		}
	}

	if (result.end?.warning) {
		lines.push(`Warning: ${clip(result.end.warning, summaryWidth)}`);
	}

	if (result.error) {
		lines.push(`Stopped by an error: ${clip(result.error.message, summaryWidth)}`);
	} else if (result.internalError) {
		lines.push(`Stopped by an internal error: ${clip(result.internalError, summaryWidth)}`);
	}

	return lines.join('\n');
}
