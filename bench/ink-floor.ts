// The floor under the UI's render time: a bare Ink app drawing the same size of screen, every line
// plain full-width text and a third of them changing each frame, at the UI's refresh rate. Ink 6
// builds each frame anew (a fresh Output and fresh caches), so its cost follows the characters on
// screen, not what changed; the UI can only be measured against what Ink itself needs.
import {fakeTerminal} from './fake-terminal.js';
import {median} from './statistics.js';

const columns = 200;
const rows = 60;
const frames = 20;
const frameMillis = 500;

/** Median milliseconds per render. */
export async function runInkFloorBench(log: (line: string) => void): Promise<number> {
	// As for the UI: React's production build, and Ink's colour library set up as on a terminal.
	process.env['NODE_ENV'] ??= 'production';
	process.env['FORCE_COLOR'] ??= '1';
	const {createElement} = await import('react');
	const {Box, Text, render} = await import('ink');
	const Screen = ({frame}: {frame: number}) => {
		const lines = Array.from({length: rows - 1}, (_, index) => {
			const counter = index % 3 === 0 ? frame : 0;
			const text = `line ${index} counter ${counter} `.padEnd(columns - 1, 'x');
			return createElement(Text, {key: index, wrap: 'truncate'}, text);
		});
		return createElement(Box, {flexDirection: 'column', width: columns, height: rows - 1}, ...lines);
	};

	const renderTimes: number[] = [];
	const instance = render(createElement(Screen, {frame: 0}), {
		...fakeTerminal(columns, rows),
		patchConsole: false,
		exitOnCtrlC: false,
		onRender: metrics => renderTimes.push(metrics.renderTime),
	});
	for (let frame = 1; frame <= frames; frame++) {
		await new Promise(resolve => setTimeout(resolve, frameMillis));
		instance.rerender(createElement(Screen, {frame}));
	}

	instance.unmount();
	const medianMillis = median(renderTimes);
	log(`bare Ink at ${columns}x${rows} (${rows - 1} plain full-width lines, a third changing, ${1000 / frameMillis} renders/s): median ${medianMillis.toFixed(1)} ms per render`);
	return medianMillis;
}
