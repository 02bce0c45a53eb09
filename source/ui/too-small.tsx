// Shown instead of the layout when the terminal cannot hold it; resizing brings the layout back.
import {Box, Text} from 'ink';
import {minimumSize, type TerminalSize} from '../view/layout.js';

export function TooSmall({size}: {size: TerminalSize}) {
	const lines = [
		`terminal too small: ${size.columns}×${size.rows}, need ${minimumSize.columns}×${minimumSize.rows}`,
		'enlarge the window, or press q to quit',
	];
	return (
		<Box flexDirection="column" height={Math.max(1, Math.min(lines.length, size.rows - 1))}>
			{lines.slice(0, Math.max(1, size.rows - 1)).map(line => (
				<Text key={line} wrap="truncate" color="yellow">{line}</Text>
			))}
		</Box>
	);
}
