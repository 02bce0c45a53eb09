// Newest alerts first; one line each with severity glyph, word and colour, capture time,
// host → peer, detection, protocol, repeat count and the strongest evidence.
import {memo} from 'react';
import {Box} from 'ink';
import type {MonitorState} from './monitor-store.js';
import type {AlertEntry} from '../view/alert-ring.js';
import {PaneTitle} from './pane-title.js';
import {describeAlert} from '../view/alert-description.js';
import {severityStyles} from '../view/severity-style.js';
import {clip, fit} from '../view/display-text.js';
import {ScreenLine} from './screen-line.js';
import {formatClock, formatInteger} from '../view/format.js';

interface AlertLineProps {
	entry: AlertEntry;
	width: number;
	selected: boolean;
	focused: boolean;
}

const AlertLine = memo(function AlertLine({entry, width, selected, focused}: AlertLineProps) {
	const style = severityStyles[entry.alert.severity];
	const mark = entry.acknowledged ? '✓' : ' ';
	const head = `${style.glyph} ${fit(style.label, 4)}`;
	const body = clip(`${mark} ${formatClock(entry.alert.time)} ${describeAlert(entry)}`, Math.max(0, width - head.length));
	return (
		<ScreenLine
			width={width}
			line={[{text: head, style: {color: style.color, bold: !entry.acknowledged}}, body]}
			style={{inverse: selected && focused, underline: selected && !focused, dimColor: entry.acknowledged}}
		/>
	);
});

export function AlertPane({state}: {state: MonitorState}) {
	const {alerts, layout, alertOffset, selectedAlert} = state;
	const focused = state.focus === 'alerts';
	const acknowledged = alerts.reduce((total, entry) => total + (entry.acknowledged ? 1 : 0), 0);
	const visible = alerts.slice(alertOffset, alertOffset + layout.alertRows);
	const detail = `${formatInteger(alerts.length)} newest first${acknowledged > 0 ? ` · ${formatInteger(acknowledged)} acknowledged` : ''}`;
	return (
		<Box flexDirection="column" height={layout.alertRows + 1}>
			<PaneTitle title="Alerts" detail={detail} focused={focused} width={layout.width}/>
			{visible.length === 0 ? <ScreenLine width={layout.width} line={[{text: 'no alerts', style: {dimColor: true}}]}/> : null}
			{visible.map((entry, index) => (
				<AlertLine
					key={entry.alert.id}
					entry={entry}
					width={layout.width}
					selected={alertOffset + index === selectedAlert}
					focused={focused}
				/>
			))}
		</Box>
	);
}
