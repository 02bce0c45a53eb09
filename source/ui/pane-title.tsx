// A pane's title rule. The focused pane is marked by a glyph as well as colour.
import {clip, displayWidth} from '../view/display-text.js';
import {ScreenLine} from './screen-line.js';

export interface PaneTitleProps {
	title: string;
	detail?: string;
	focused: boolean;
	width: number;
}

export function PaneTitle({title, detail, focused, width}: PaneTitleProps) {
	const head = `${focused ? '▶' : '─'} ${title} `;
	const tail = detail ? clip(`${detail} `, Math.max(0, width - head.length - 2)) : '';
	const rule = '─'.repeat(Math.max(0, width - head.length - displayWidth(tail)));
	return (
		<ScreenLine width={width} line={[
			{text: head, style: {bold: true, color: focused ? 'cyanBright' : undefined, dimColor: !focused}},
			{text: tail, style: {dimColor: !focused}},
			{text: rule, style: {dimColor: true}},
		]}/>
	);
}
