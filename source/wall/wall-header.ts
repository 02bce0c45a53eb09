// The wall's top line: what is watched, capture time, packet and bit rates, replay progress and
// speed, FINISHED/PAUSED badges, and the open alerts when no LCD counters show them.
import type {AlertCounts, End, Summary} from '../model/messages.js';
import {clip, displayWidth} from '../view/display-text.js';
import {formatBitRate, formatCount, formatSpeed, formatTimestamp, quantity} from '../view/format.js';
import {severitiesDescending, severityStyles} from '../view/severity-style.js';
import {describeSource} from '../view/source-description.js';
import {severityTagColors} from './wall-colors.js';
import type {Segment} from './tagged-text.js';

export interface HeaderInput {
	summary: Summary | undefined;
	end: End | undefined;
	replay: boolean;
	/** Show the open alert counts in the line (when the LCD counters are not on screen). */
	withCounts: boolean;
}

function replayProgress(summary: Summary, short: boolean): string {
	const progress = summary.progress;
	if (progress === undefined) {
		return `speed ${formatSpeed(summary.speed)}`;
	}

	const percent = progress.fileSize ? ` ${Math.min(100, Math.floor(100 * progress.bytesRead / progress.fileSize))}%` : '';
	const loops = progress.loops > 0 ? ` loop ${progress.loops + 1}` : '';
	return short ? `${percent.trim()}${loops} ${formatSpeed(summary.speed)}` : `replay${percent}${loops} at ${formatSpeed(summary.speed)}`;
}

function countSegments(counts: AlertCounts): Segment[] {
	return severitiesDescending.flatMap(severity => [
		{text: ' '},
		{text: `${severityStyles[severity].glyph}${counts[severity]}`, color: severityTagColors[severity], bold: counts[severity] > 0},
	]);
}

/** At most `width` columns; the source name gives way first. */
export function headerSegments(input: HeaderInput, width: number): Segment[] {
	const {summary, end} = input;
	const title: Segment = {text: ' MINEWATCH ', bold: true};
	const tail: Segment[] = [];
	if (summary === undefined) {
		tail.push({text: '  waiting for the first summary…'});
	} else {
		const parts = [
			// Below 120 columns the date goes: the capture's day rarely changes during a watch.
			summary.time === undefined ? 'no packets yet' : formatTimestamp(summary.time).slice(width >= 120 ? 0 : 11),
			// A rate needs capture time to pass: the first summary of a replay comes with its first packet.
			// Below 100 columns the packet rate goes before the badges do.
			summary.rates === undefined ? 'rate pending' : `${width >= 100 ? `${formatCount(summary.rates.packetsPerSecond)} pkt/s  ` : ''}${formatBitRate(summary.rates.bitsPerSecond)}`,
		];
		if (input.replay) {
			parts.push(replayProgress(summary, width < 120));
		}

		// The caps are hit (a flood, a scan, or caps too small for the link): the tables forget hosts and flows.
		if (summary.flows.evicted + summary.hostsEvicted > 0) {
			parts.push(`evicted ${quantity(summary.flows.evicted, 'flow', formatCount)} ${quantity(summary.hostsEvicted, 'host', formatCount)}`);
		}

		if (summary.streamed !== undefined) {
			parts.push(`top ${formatCount(summary.streamed.hostsCarried)} of ${formatCount(summary.streamed.hostsAtSensor)} hosts at the sensor`);
			if (summary.streamed.badLines > 0) {
				parts.push(quantity(summary.streamed.badLines, 'bad line', formatCount));
			}
		}

		// The packet total is the first thing to go on a narrow screen, before the source name.
		const total = quantity(summary.totals.packets, 'packet');
		if (width >= 120) {
			parts.splice(2, 0, total);
		}

		tail.push({text: `  ${parts.join('  ')}`});
		if (input.withCounts) {
			tail.push({text: '  open'}, ...countSegments(summary.alertsOpen));
		}
	}

	if (end !== undefined) {
		tail.push({text: '  '}, {text: ' FINISHED ', color: 'green', bold: true});
	} else if (summary?.paused) {
		tail.push({text: '  '}, {text: ' PAUSED ', color: 'yellow', bold: true});
	}

	const source = end?.source ?? summary?.source;
	const quitHint: Segment = {text: '  q quit', color: 'gray'};
	const tailWidth = tail.reduce((sum, segment) => sum + displayWidth(segment.text), 0);
	// The key hint is the first thing to go: the source name keeps at least a dozen columns.
	if (displayWidth(title.text) + tailWidth + displayWidth(quitHint.text) + 12 <= width) {
		tail.push(quitHint);
	}

	const fixedWidth = displayWidth(title.text) + tail.reduce((sum, segment) => sum + displayWidth(segment.text), 0);
	const sourceWidth = width - fixedWidth;
	const segments: Segment[] = [title];
	if (source !== undefined && sourceWidth >= 6) {
		segments.push({text: clip(describeSource(source), sourceWidth), color: 'cyan'});
	}

	segments.push(...tail);
	let used = 0;
	const fitted: Segment[] = [];
	for (const segment of segments) {
		const room = width - used;
		if (room <= 0) {
			break;
		}

		const text = clip(segment.text, room);
		fitted.push({...segment, text});
		used += displayWidth(text);
	}

	return fitted;
}
