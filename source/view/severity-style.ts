// Severity is shown by glyph and word as well as colour, so it reads on a monochrome terminal.
import type {Severity} from '../model/messages.js';

export interface SeverityStyle {
	glyph: string;
	label: string;
	color: string;
	/** What the severity says, for the help's legend (README, "Reading an alert", says it at length). */
	meaning: string;
}

export const severityStyles: Record<Severity, SeverityStyle> = {
	critical: {glyph: '✖', label: 'CRIT', color: 'redBright', meaning: 'critical: a pool on the home network serves outside miners'},
	high: {glyph: '▲', label: 'HIGH', color: 'red', meaning: 'high: a home host mines through an outside pool, or runs a node that outside peers connect to'},
	medium: {glyph: '◆', label: 'MED', color: 'yellow', meaning: 'medium: mining inside the home network, a pool lookup, a node that connects out'},
	low: {glyph: '•', label: 'LOW', color: 'cyan', meaning: 'low: a node with home peers only, mining between two outside hosts'},
};

/** Highest first, as the status bar and the closing summary list them. */
export const severitiesDescending: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
