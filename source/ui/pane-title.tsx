// A pane's title rule. The focused pane is marked by a glyph as well as colour.
import {Text} from 'ink';
import {clip} from './display-text.js';

export interface PaneTitleProps {
	title: string;
	detail?: string;
	focused: boolean;
	width: number;
}

export function PaneTitle({title, detail, focused, width}: PaneTitleProps) {
	const head = `${focused ? '▶' : '─'} ${title} `;
	const tail = detail ? clip(`${detail} `, Math.max(0, width - head.length - 2)) : '';
	const rule = '─'.repeat(Math.max(0, width - head.length - tail.length));
	return (
		<Text wrap="truncate">
			<Text bold color={focused ? 'cyanBright' : undefined} dimColor={!focused}>{head}</Text>
			<Text dimColor={!focused}>{tail}</Text>
			<Text dimColor>{rule}</Text>
		</Text>
	);
}
