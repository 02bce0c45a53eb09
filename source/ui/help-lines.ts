// The help overlay's text, generated from the key table.
import {helpSections} from './key-map.js';
import {fit} from '../view/display-text.js';
import {severitiesDescending, severityStyles} from '../view/severity-style.js';

export interface HelpLine {
	text: string;
	heading?: true;
}

export function buildHelpLines(replay: boolean): HelpLine[] {
	const lines: HelpLine[] = [];
	for (const section of helpSections(replay)) {
		lines.push({text: section.title, heading: true});
		for (const binding of section.bindings) {
			lines.push({text: `  ${fit(binding.keys, 12)} ${binding.description}`});
		}
	}

	lines.push({text: 'Severity', heading: true});
	for (const severity of severitiesDescending) {
		const style = severityStyles[severity];
		lines.push({text: `  ${fit(`${style.glyph} ${style.label}`, 12)} ${style.meaning}`});
	}

	lines.push(
		{text: `  ${fit('', 12)} certainty under 50 shows one step lower`},
		{text: `  ${fit('✓', 12)} acknowledged: dimmed, and left out of the status bar's open counts`},
	);
	return lines;
}
