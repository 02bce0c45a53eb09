// The top-hosts table as fitted lines: severity, address, role, protocols, peers, rate and the name
// seen for the host. Columns are dropped from the least telling when the widget is narrow; the
// name takes whatever width is left.
import type {HostRow} from '../model/messages.js';
import {fit, displayWidth} from '../view/display-text.js';
import {formatBitRate} from '../view/format.js';
import {familyShortLabels} from '../view/protocol-names.js';
import {severityStyles} from '../view/severity-style.js';
import {severityTagColors} from './wall-colors.js';
import type {Segment} from './tagged-text.js';

interface Column {
	title: string;
	width: number;
	align: 'left' | 'right';
	cell(host: HostRow): string;
	color?(host: HostRow): string | undefined;
}

export interface HostTableLines {
	header: string;
	lines: Segment[][];
}

const gap = '  ';
const minimumNameWidth = 8;

function severityCell(host: HostRow): string {
	return host.severity === undefined ? '·' : `${severityStyles[host.severity].glyph} ${severityStyles[host.severity].label}`;
}

function fixedColumns(hosts: readonly HostRow[]): Column[] {
	const addressWidth = Math.max(15, ...hosts.map(host => displayWidth(host.address)));
	return [
		{title: 'SEV', width: 6, align: 'left', cell: severityCell, color: host => host.severity && severityTagColors[host.severity]},
		{title: 'HOST', width: Math.min(39, addressWidth), align: 'left', cell: host => host.address},
		{title: 'ROLE', width: 8, align: 'left', cell: host => host.roles.join(',') || (host.internal ? 'internal' : 'external')},
		{title: 'RATE', width: 9, align: 'right', cell: host => formatBitRate(host.bitsPerSecond)},
		{title: 'PEERS', width: 5, align: 'right', cell: host => String(host.peers)},
		{title: 'PROTOCOLS', width: 15, align: 'left', cell: host => host.protocols.filter(family => family !== 'other').map(family => familyShortLabels[family]).join(' ')},
	];
}

function totalWidth(columns: readonly Column[]): number {
	return columns.reduce((sum, column) => sum + column.width, 0) + gap.length * Math.max(0, columns.length - 1);
}

/** Lines exactly `width` columns wide. */
export function hostTableLines(hosts: readonly HostRow[], width: number): HostTableLines {
	const columns = fixedColumns(hosts);
	// Dropped from the end: protocols, then peers, then rate, before severity, address or role.
	while (columns.length > 3 && totalWidth(columns) > width) {
		columns.pop();
	}

	const nameWidth = width - totalWidth(columns) - gap.length;
	if (nameWidth >= minimumNameWidth) {
		columns.push({title: 'NAME', width: nameWidth, align: 'left', cell: host => host.name ?? ''});
	}

	const used = totalWidth(columns);
	const padding = ' '.repeat(Math.max(0, width - used));
	const header = columns.map(column => fit(column.title, column.width, column.align)).join(gap) + padding;
	const lines = hosts.map(host => {
		const segments: Segment[] = [];
		for (const [index, column] of columns.entries()) {
			if (index > 0) {
				segments.push({text: gap});
			}

			const color = column.color?.(host);
			const text = fit(column.cell(host), column.width, column.align);
			segments.push(color === undefined ? {text} : {text, color, bold: true});
		}

		segments.push({text: padding});
		return segments;
	});
	return {header: fit(header, width), lines};
}
