// Severity is shown by glyph and word as well as colour, so it reads on a monochrome terminal.
import type {Severity} from '../model/messages.js';

export interface SeverityStyle {
	glyph: string;
	label: string;
	color: string;
}

export const severityStyles: Record<Severity, SeverityStyle> = {
	critical: {glyph: '✖', label: 'CRIT', color: 'redBright'},
	high: {glyph: '▲', label: 'HIGH', color: 'red'},
	medium: {glyph: '◆', label: 'MED', color: 'yellow'},
	low: {glyph: '•', label: 'LOW', color: 'cyan'},
};

export const severityRank: Record<Severity, number> = {low: 1, medium: 2, high: 3, critical: 4};

/** Highest first, as the status bar and the closing summary list them. */
export const severitiesDescending: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
