// The alert log as lines, newest first, one per alert id (updates coalesce in the AlertRing):
// capture time, severity glyph and word in its colour, then host → peer, detection, protocol,
// repeat count and the strongest evidence, as the Ink alert pane words it.
import type {AlertEntry} from '../view/alert-ring.js';
import {describeAlert} from '../view/alert-description.js';
import {clip} from '../view/display-text.js';
import {formatClock} from '../view/format.js';
import {severityStyles} from '../view/severity-style.js';
import {severityTagColors} from './wall-colors.js';
import type {Segment} from './tagged-text.js';

export function alertLogLine(entry: AlertEntry, width: number): Segment[] {
	const {alert} = entry;
	const style = severityStyles[alert.severity];
	const segments: Segment[] = [
		{text: `${formatClock(alert.time)} `, color: 'gray'},
		{text: `${style.glyph} ${style.label.padEnd(4)}`, color: severityTagColors[alert.severity], bold: true},
		{text: ' '},
	];
	if (alert.allowed) {
		segments.push({text: 'allowed ', color: 'gray'});
	}

	const used = segments.reduce((sum, segment) => sum + segment.text.length, 0);
	segments.push({text: clip(describeAlert(entry), Math.max(0, width - used))});
	return segments;
}

export function alertLogLines(entries: readonly AlertEntry[], width: number, count: number): Segment[][] {
	return entries.slice(0, count).map(entry => alertLogLine(entry, width));
}
