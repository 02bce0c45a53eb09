// The top-hosts table as fitted lines: severity, address, role, protocols, peers, rate and the name
// seen for the host, each column as wide as what it holds. Columns are dropped from the least
// telling when the widget is narrow, so the name keeps a column; it takes whatever width is left.
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

/** As wide as the title and the widest cell, up to `maximum`. */
function sized(column: Omit<Column, 'width'>, hosts: readonly HostRow[], minimum: number, maximum: number): Column {
	const need = Math.max(minimum, column.title.length, ...hosts.map(host => displayWidth(column.cell(host))));
	return {...column, width: Math.min(maximum, need)};
}

function fixedColumns(hosts: readonly HostRow[]): Column[] {
	return [
		{title: 'SEV', width: 6, align: 'left', cell: severityCell, color: host => host.severity && severityTagColors[host.severity]},
		sized({title: 'HOST', align: 'left', cell: host => host.address}, hosts, 15, 39),
		sized({title: 'ROLE', align: 'left', cell: host => host.roles.join(',') || (host.internal ? 'internal' : 'external')}, hosts, 4, 16),
		{title: 'RATE', width: 9, align: 'right', cell: host => formatBitRate(host.bitsPerSecond)},
		{title: 'PEERS', width: 5, align: 'right', cell: host => String(host.peers)},
		sized({title: 'PROTOCOLS', align: 'left', cell: host => host.protocols.filter(family => family !== 'other').map(family => familyShortLabels[family]).join(' ')}, hosts, 9, 24),
	];
}

function totalWidth(columns: readonly Column[]): number {
	return columns.reduce((sum, column) => sum + column.width, 0) + gap.length * Math.max(0, columns.length - 1);
}

/** Lines exactly `width` columns wide. */
export function hostTableLines(hosts: readonly HostRow[], width: number): HostTableLines {
	const columns = fixedColumns(hosts);
	// Dropped from the end: protocols, then peers, then rate, before severity, address, role or the name.
	while (columns.length > 3 && totalWidth(columns) + gap.length + minimumNameWidth > width) {
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
