// Two lines: what is being watched and how fast, then alerts, losses and replay state.
import {Box, Text} from 'ink';
import type {Summary} from '../model/messages.js';
import {describeSource} from '../view/source-description.js';
import type {MonitorState} from './monitor-store.js';
import {unacknowledgedOpen} from '../view/alert-ring.js';
import {severitiesDescending, severityStyles} from '../view/severity-style.js';
import {clip} from '../view/display-text.js';
import {ScreenLine, type Segment} from './screen-line.js';
import {formatBitRate, formatBytes, formatCount, formatInteger, formatPacketRate, formatSpeed, formatTimestamp, quantity} from '../view/format.js';

const progressBarWidth = 10;

function progressText(summary: Summary): string | undefined {
	const progress = summary.progress;
	if (!progress) {
		return undefined;
	}

	const loops = progress.loops > 0 ? ` loop ${progress.loops + 1}` : '';
	if (!progress.fileSize) {
		return `read ${formatBytes(progress.bytesRead)}${loops}`;
	}

	const fraction = Math.max(0, Math.min(1, progress.bytesRead / progress.fileSize));
	const filled = Math.round(fraction * progressBarWidth);
	return `${'█'.repeat(filled)}${'░'.repeat(progressBarWidth - filled)} ${Math.floor(fraction * 100)}%${loops}`;
}

function badges(state: MonitorState): Segment[] {
	const finished = state.end !== undefined || state.summary?.progress?.finished === true;
	const shown: Segment[] = [];
	if (state.displayPaused) {
		shown.push({text: ` PAUSED · ${quantity(state.heldUpdates, 'update')} held `, style: {inverse: true, bold: true, color: 'yellow'}});
	}

	if (state.summary?.paused) {
		shown.push({text: ' REPLAY PAUSED ', style: {inverse: true, color: 'yellow'}});
	}

	if (finished) {
		shown.push({text: ' FINISHED ', style: {inverse: true, bold: true, color: 'green'}});
	}

	return shown;
}

/** Eviction means the caps are hit (a flood, a scan, or caps too small for the link): shown once it happens. */
function evictionText(summary: Summary): string {
	const {evicted} = summary.flows;
	return evicted + summary.hostsEvicted === 0 ? '' : ` · evicted ${quantity(evicted, 'flow', formatCount)}, ${quantity(summary.hostsEvicted, 'host', formatCount)}`;
}

/** `minewatch view`: lines of the stream it could not read, counted, never fatal. */
function badLineText(summary: Summary): string {
	const bad = summary.streamed?.badLines ?? 0;
	return bad === 0 ? '' : ` · ${quantity(bad, 'bad line', formatCount)} in the stream`;
}

/** A rate needs capture time to pass: the first summary of a replay comes with its first packet. */
function rateText(summary: Summary): string {
	return summary.rates === undefined ? 'rate pending' : `${formatPacketRate(summary.rates.packetsPerSecond)} · ${formatBitRate(summary.rates.bitsPerSecond)}`;
}

const name: Segment = {text: ' minewatch ', style: {bold: true, inverse: true}};

export function StatusBar({state}: {state: MonitorState}) {
	const {summary, layout} = state;
	if (summary === undefined) {
		return (
			<Box flexDirection="column" height={2}>
				<ScreenLine width={layout.width} line={[name, ...badges(state), ' waiting for the first summary…']}/>
				<Text> </Text>
			</Box>
		);
	}

	const time = summary.time ? `${formatTimestamp(summary.time)} UTC` : 'no packets yet';
	const first = ` ${clip(describeSource(summary.source), Math.max(10, Math.floor(layout.width / 3)))} · ${time} · ${quantity(summary.totals.packets, 'pkt')} · ${formatBytes(summary.totals.bytes)} · ${rateText(summary)} · ${quantity(summary.hostsTracked, 'host', formatCount)} · ${quantity(summary.flows.active, 'flow', formatCount)} `;
	const open = unacknowledgedOpen(summary.alertsOpen, state.alerts);
	const dropped = summary.capture ? (summary.capture.dropped ?? 0) + (summary.capture.interfaceDropped ?? 0) + (summary.capture.helperDropped ?? 0) : 0;
	const progress = progressText(summary);
	const replay = state.replay ? ` · replay ${formatSpeed(state.speed)}${progress ? ` ${progress}` : ''}` : '';
	return (
		<Box flexDirection="column" height={2}>
			<ScreenLine width={layout.width} line={[name, ...badges(state), first]}/>
			<ScreenLine width={layout.width} line={[
				' alerts ',
				...severitiesDescending.map(severity => {
					const count = open[severity];
					const style = severityStyles[severity];
					return {text: `${style.glyph} ${count} ${style.label.toLowerCase()}  `, style: {color: count > 0 ? style.color : undefined, dimColor: count === 0, bold: count > 0}};
				}),
				{text: `· drops ${formatInteger(dropped)} `, style: {color: dropped > 0 ? 'red' : undefined}},
				{text: `· decode errors ${formatInteger(summary.totals.decodeErrors)}`, style: {color: summary.totals.decodeErrors > 0 ? 'yellow' : undefined}},
				{text: evictionText(summary), style: {color: 'yellow'}},
				{text: badLineText(summary), style: {color: 'yellow'}},
				replay,
			]}/>
		</Box>
	);
}
