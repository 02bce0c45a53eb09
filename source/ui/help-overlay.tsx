// The help overlay, generated from the key table.
import {Box, Text} from 'ink';
import type {MonitorState} from './monitor-store.js';
import {PaneTitle} from './pane-title.js';
import {buildHelpLines} from './help-lines.js';
import {clip} from './display-text.js';

export function HelpOverlay({state}: {state: MonitorState}) {
	const {layout, helpScroll, replay} = state;
	const lines = buildHelpLines(replay);
	const room = Math.max(0, layout.bodyLines - 1);
	const first = Math.min(helpScroll, Math.max(0, lines.length - room));
	return (
		<Box flexDirection="column" height={layout.bodyLines}>
			<PaneTitle title="Help" detail="keys · ? or Esc closes" focused width={layout.width}/>
			{lines.slice(first, first + room).map((line, index) => (
				<Text key={first + index} wrap="truncate" bold={line.heading} color={line.heading ? 'cyanBright' : undefined}>
					{clip(line.text, layout.width)}
				</Text>
			))}
		</Box>
	);
}
