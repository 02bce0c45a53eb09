// Block-character sparklines. Zero is a blank so an idle family reads as empty, and any traffic
// at all shows at least the lowest block.
const blocks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

export function sparkline(values: readonly number[], width: number): string {
	const visible = values.slice(Math.max(0, values.length - width));
	let maximum = 0;
	for (const value of visible) {
		maximum = Math.max(maximum, value);
	}

	let line = ' '.repeat(Math.max(0, width - visible.length));
	for (const value of visible) {
		if (value <= 0 || maximum <= 0) {
			line += ' ';
		} else {
			const level = Math.min(blocks.length - 1, Math.ceil(value / maximum * blocks.length) - 1);
			line += blocks[Math.max(0, level)];
		}
	}

	return line;
}
