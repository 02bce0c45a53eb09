// The host table: only the window of rows the worker sent, each row preformatted into a few
// strings, because Ink's render cost grows with every element.
import {memo, useMemo} from 'react';
import {Box} from 'ink';
import type {HostRow, HostSortKey} from '../model/messages.js';
import type {MonitorState} from './monitor-store.js';
import {PaneTitle} from './pane-title.js';
import {addressColumn, chooseHostColumns, severityColumn, type HostColumnSet, type SizedColumn} from './host-columns.js';
import {severityStyles} from '../view/severity-style.js';
import {clip, fit} from '../view/display-text.js';
import {ScreenLine, type Segment} from './screen-line.js';
import {formatInteger} from '../view/format.js';

const sortLabels: Record<HostSortKey, string> = {
	severity: 'severity',
	traffic: 'traffic',
	address: 'address',
	peers: 'peers',
	packetRate: 'packets/s',
	lastSeen: 'last seen',
};

function headerCell({column, width}: SizedColumn, sort: HostSortKey, reverse: boolean): string {
	const arrow = column.sortKeys.includes(sort) ? (reverse ? '▲' : '▼') : '';
	return fit(column.title + arrow, width, column.align);
}

/** One row as the strings it shows: a row whose text did not change is not rendered again. */
interface HostLineProps {
	severity: string;
	severityColor: string | undefined;
	address: string;
	/** The gap after the address and the cells after it, padded and joined. */
	rest: string;
	addressWidth: number;
	width: number;
	selected: boolean;
	focused: boolean;
}

function hostLineText(row: HostRow, columns: HostColumnSet, now: number): Pick<HostLineProps, 'severity' | 'severityColor' | 'address' | 'rest'> {
	return {
		severity: fit(severityColumn.cell(row, now), severityColumn.minimumWidth),
		severityColor: row.severity ? severityStyles[row.severity].color : undefined,
		address: addressColumn.cell(row, now),
		rest: columns.columns.map(({column, width}) => ' '.repeat(columns.gap) + fit(column.cell(row, now), width, column.align)).join(''),
	};
}

// Every character Ink writes costs a few microseconds each frame and the cells it does not write
// are blank anyway, so the address column's padding is left to the layout rather than written,
// except on the selected row, whose highlight spans the whole row.
const HostLine = memo(function HostLine({severity, severityColor, address, rest, addressWidth, width, selected, focused}: HostLineProps) {
	const severitySegment: Segment = {text: severity, style: {color: severityColor, bold: severityColor !== undefined}};
	if (selected) {
		return (
			<ScreenLine
				width={width}
				line={[severitySegment, ` ${fit(address, addressWidth)}${rest}`]}
				style={{inverse: focused, underline: !focused}}
			/>
		);
	}

	const leftWidth = severityColumn.minimumWidth + 1 + addressWidth;
	return (
		<Box height={1}>
			<Box width={leftWidth} flexShrink={0}>
				<ScreenLine width={leftWidth} line={[severitySegment, ` ${clip(address, addressWidth)}`]}/>
			</Box>
			<ScreenLine width={Math.max(0, width - leftWidth)} line={[rest]}/>
		</Box>
	);
});

export function HostTable({state}: {state: MonitorState}) {
	const {summary, layout, view, selectedHost, focus} = state;
	const focused = focus === 'hosts';
	const hosts = summary?.hosts ?? [];
	const now = summary?.time ? Date.parse(summary.time) : 0;
	const rows = useMemo(() => hosts.slice(0, layout.hostRows), [hosts, layout.hostRows]);
	const columns = useMemo(() => chooseHostColumns(layout.width, rows, now), [layout.width, rows, now]);
	const matched = summary?.hostsMatched ?? 0;
	const shown = hosts.length > 0 ? `${formatInteger(view.offset + 1)}–${formatInteger(view.offset + hosts.length)} of ${formatInteger(matched)}` : `0 of ${formatInteger(matched)}`;
	const filter = view.filter !== '' || state.filterEditing ? ` · filter "${view.filter}"` : '';
	const tracked = summary === undefined ? '' : (summary.streamed === undefined
		? ` (${formatInteger(summary.hostsTracked)} tracked)`
		: ` (top ${formatInteger(summary.streamed.hostsCarried)} of ${formatInteger(summary.streamed.hostsAtSensor)} at the sensor)`);
	const header = [
		headerCell({column: severityColumn, width: severityColumn.minimumWidth}, view.sort, view.reverse),
		' ',
		headerCell({column: addressColumn, width: columns.addressWidth}, view.sort, view.reverse),
		...columns.columns.map(sized => ' '.repeat(columns.gap) + headerCell(sized, view.sort, view.reverse)),
	].join('');
	const empty = summary === undefined ? 'waiting for traffic…' : (view.filter === '' ? 'no hosts yet' : `no hosts match "${view.filter}"`);
	return (
		<Box flexDirection="column" height={layout.hostRows + 2}>
			<PaneTitle title="Hosts" detail={`${shown}${tracked} · sort ${sortLabels[view.sort]} ${view.reverse ? '▲' : '▼'}${filter}`} focused={focused} width={layout.width}/>
			<ScreenLine width={layout.width} line={[{text: header, style: {bold: true, dimColor: true}}]}/>
			{rows.length === 0 ? <ScreenLine width={layout.width} line={[{text: clip(empty, layout.width), style: {dimColor: true}}]}/> : null}
			{rows.map((row, index) => (
				<HostLine
					key={row.address}
					{...hostLineText(row, columns, now)}
					addressWidth={columns.addressWidth}
					width={layout.width}
					selected={view.offset + index === selectedHost}
					focused={focused}
				/>
			))}
		</Box>
	);
}
