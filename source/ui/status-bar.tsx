// Two lines: what is being watched and how fast, then alerts, losses and replay state.
import {Box, Text} from 'ink';
import type {Summary} from '../model/messages.js';
import {describeSource} from '../view/source-description.js';
import type {MonitorState} from './monitor-store.js';
import {unacknowledgedOpen} from '../view/alert-ring.js';
import {severitiesDescending, severityStyles} from '../view/severity-style.js';
import {clip, displayWidth} from '../view/display-text.js';
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
	return evicted + summary.hostsEvicted === 0 ? '' : `${separator}evicted ${quantity(evicted, 'flow', formatCount)}, ${quantity(summary.hostsEvicted, 'host', formatCount)}`;
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

/**
 * One piece of a status line: the forms it can take, widest first, and how much it matters. A
 * line too wide for the terminal takes the narrower forms of the piece that matters least, then
 * leaves it out, and so on up, so what matters most (capture time, rates, alerts, replay speed
 * and progress) is never cut.
 */
interface StatusPart {
	forms: ReadonlyArray<readonly Segment[]>;
	/** Higher stays longer. */
	priority: number;
}

function partWidth(forms: readonly Segment[]): number {
	return forms.reduce((total, segment) => total + displayWidth(segment.text), 0);
}

export function fitStatusParts(parts: readonly StatusPart[], width: number): Segment[] {
	const chosen = parts.map(() => 0);
	const kept = parts.map(() => true);
	const used = (): number => parts.reduce((total, part, index) => total + (kept[index] ? partWidth(part.forms[chosen[index]!]!) : 0), 0);
	const byPriority = [...parts.keys()].sort((a, b) => parts[a]!.priority - parts[b]!.priority);
	for (const index of byPriority) {
		while (used() > width && chosen[index]! < parts[index]!.forms.length - 1) {
			chosen[index]!++;
		}

		if (used() <= width) {
			break;
		}

		kept[index] = false;
	}

	return parts.flatMap((part, index) => kept[index] ? part.forms[chosen[index]!]! : []);
}

const separator = ' · ';

function plain(...forms: string[]): Array<readonly Segment[]> {
	return forms.map(text => [{text: separator + text}]);
}

function firstLine(state: MonitorState, summary: Summary): StatusPart[] {
	const source = describeSource(summary.source);
	const time = summary.time ? formatTimestamp(summary.time) : undefined;
	return [
		{forms: [[name]], priority: 9},
		{forms: [badges(state)], priority: 9},
		{forms: [[{text: ` ${source}`}], [{text: ` ${clip(source, 24)}`}], [{text: ` ${clip(source, 12)}`}]], priority: 4},
		{forms: time ? plain(`${time} UTC`, time.slice(11)) : plain('no packets yet'), priority: 8},
		{forms: plain(quantity(summary.totals.packets, 'pkt')), priority: 3},
		{forms: plain(formatBytes(summary.totals.bytes)), priority: 2},
		{forms: plain(rateText(summary)), priority: 7},
		{forms: plain(quantity(summary.hostsTracked, 'host', formatCount)), priority: 5},
		{forms: plain(quantity(summary.flows.active, 'flow', formatCount)), priority: 1},
	];
}

function alertCounts(state: MonitorState, summary: Summary, words: boolean): Segment[] {
	const open = unacknowledgedOpen(summary.alertsOpen, state.alerts);
	return [
		{text: words ? ' alerts' : ' open'},
		...severitiesDescending.map(severity => {
			const count = open[severity];
			const style = severityStyles[severity];
			const text = words ? ` ${style.glyph} ${count} ${style.label.toLowerCase()} ` : ` ${style.glyph}${count}`;
			return {text, style: {color: count > 0 ? style.color : undefined, dimColor: count === 0, bold: count > 0}};
		}),
	];
}

function secondLine(state: MonitorState, summary: Summary): StatusPart[] {
	const dropped = summary.capture ? (summary.capture.dropped ?? 0) + (summary.capture.interfaceDropped ?? 0) + (summary.capture.helperDropped ?? 0) : 0;
	const eviction = evictionText(summary);
	const progress = progressText(summary);
	const parts: StatusPart[] = [
		{forms: [alertCounts(state, summary, true), alertCounts(state, summary, false)], priority: 9},
		{forms: [[{text: `${separator}drops ${formatInteger(dropped)}`, style: {color: dropped > 0 ? 'red' : undefined}}]], priority: dropped > 0 ? 6 : 2},
		{
			forms: [[{text: `${separator}decode errors ${formatInteger(summary.totals.decodeErrors)}`, style: {color: summary.totals.decodeErrors > 0 ? 'yellow' : undefined}}]],
			priority: summary.totals.decodeErrors > 0 ? 5 : 1,
		},
	];
	if (eviction !== '') {
		parts.push({forms: [[{text: eviction, style: {color: 'yellow'}}]], priority: 4});
	}

	const badLines = badLineText(summary);
	if (badLines !== '') {
		parts.push({forms: [[{text: badLines, style: {color: 'yellow'}}]], priority: 7});
	}

	if (state.replay) {
		parts.push({forms: plain(`replay ${formatSpeed(state.speed)}${progress ? ` ${progress}` : ''}`, `${formatSpeed(state.speed)}${progress ? ` ${progress}` : ''}`), priority: 8});
	}

	return parts;
}

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

	return (
		<Box flexDirection="column" height={2}>
			<ScreenLine width={layout.width} line={fitStatusParts(firstLine(state, summary), layout.width)}/>
			<ScreenLine width={layout.width} line={fitStatusParts(secondLine(state, summary), layout.width)}/>
		</Box>
	);
}
