// The host detail view: identity, the evidence of each of its alerts, its flows and peers.
import {Box} from 'ink';
import type {MonitorState} from './monitor-store.js';
import {PaneTitle} from './pane-title.js';
import {buildDetailLines} from './detail-lines.js';
import {ScreenLine} from './screen-line.js';

export function HostDetail({state}: {state: MonitorState}) {
	const {layout, view, summary, alerts, detailScroll} = state;
	const address = view.detailHost ?? '';
	const lines = buildDetailLines(address, summary, alerts, layout.width);
	const room = Math.max(0, layout.bodyLines - 1);
	const first = Math.min(detailScroll, Math.max(0, lines.length - room));
	const more = lines.length > first + room ? ` · ${lines.length - first - room} more lines ↓` : '';
	return (
		<Box flexDirection="column" height={layout.bodyLines}>
			<PaneTitle title="Host detail" detail={`Esc back${more}`} focused width={layout.width}/>
			{lines.slice(first, first + room).map((line, index) => (
				<ScreenLine key={first + index} width={layout.width} line={[{text: line.text || ' ', style: {bold: line.heading, dimColor: line.dim, color: line.color}}]}/>
			))}
		</Box>
	);
}
