// The help overlay, generated from the key table.
import {Box} from 'ink';
import type {MonitorState} from './monitor-store.js';
import {PaneTitle} from './pane-title.js';
import {buildHelpLines} from './help-lines.js';
import {ScreenLine} from './screen-line.js';

export function HelpOverlay({state}: {state: MonitorState}) {
	const {layout, helpScroll, replay} = state;
	const lines = buildHelpLines(replay);
	const room = Math.max(0, layout.bodyLines - 1);
	const first = Math.min(helpScroll, Math.max(0, lines.length - room));
	const more = lines.length > first + room ? ` · ${lines.length - first - room} more lines ↓` : '';
	return (
		<Box flexDirection="column" height={layout.bodyLines}>
			<PaneTitle title="Help" detail={`keys · ? or Esc closes${more}`} focused width={layout.width}/>
			{lines.slice(first, first + room).map((line, index) => (
				<ScreenLine key={first + index} width={layout.width} line={[{text: line.text, style: {bold: line.heading, color: line.heading ? 'cyanBright' : undefined}}]}/>
			))}
		</Box>
	);
}
