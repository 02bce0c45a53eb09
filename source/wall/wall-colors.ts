// Colours on the wall. Canvas widgets (LCD, charts) take the eight basic names or a 256-colour
// index; tag colours are blessed names (`light-red`, not `brightred`: blessed prints a tag it does not
// know as text). Severity keeps its glyph and word beside the colour.
import type {ProtocolFamily, Severity} from '../model/messages.js';

export type CanvasColor = 'black' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | number;

const brightRed = 9;

export const severityCanvasColors: Record<Severity, CanvasColor> = {
	critical: brightRed,
	high: 'red',
	medium: 'yellow',
	low: 'cyan',
};

export const severityTagColors: Record<Severity, string> = {
	critical: 'light-red',
	high: 'red',
	medium: 'yellow',
	low: 'cyan',
};

/** Every family but `other` is drawn: seven families, seven distinct basic colours. */
export const familyCanvasColors: Record<Exclude<ProtocolFamily, 'other'>, CanvasColor> = {
	stratum: 'red',
	'stratum-v2': 'magenta',
	getwork: 'blue',
	'bitcoin-p2p': 'yellow',
	'monero-p2p': 'cyan',
	'pool-dns': 'green',
	'pool-tls': 'white',
};
