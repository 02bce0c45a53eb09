// The help overlay's text, generated from the key table.
import {helpSections} from './key-map.js';
import {fit} from './display-text.js';

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

	return lines;
}
