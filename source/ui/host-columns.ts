// The host table's columns, sized by what the rows on screen hold: the address (and the name seen
// for it) gets the room it needs, ROLE and PROTOCOLS as wide as their longest cell. On a narrow
// terminal columns are dropped, highest `dropOrder` first, before any pane is; on a wide one the
// room left over is spread between the columns, so the table spans the terminal.
import type {HostRow, HostSortKey} from '../model/messages.js';
import {familyShortLabels} from '../view/protocol-names.js';
import {severityStyles} from '../view/severity-style.js';
import {displayWidth} from '../view/display-text.js';
import {formatAge, formatBytes, formatCount, formatPacketRate} from '../view/format.js';

export interface HostColumn {
	id: string;
	title: string;
	/** Columns never narrower: the widest a formatted number gets, or the title. */
	minimumWidth: number;
	align: 'left' | 'right';
	/** 0 never drops; otherwise higher numbers drop first. */
	dropOrder: number;
	sortKeys: readonly HostSortKey[];
	cell(row: HostRow, now: number): string;
}

/** An IPv4 address with room to spare; an address is cut below this only when the terminal is narrow. */
export const minimumAddressWidth = 18;

export const severityColumn: HostColumn = {
	id: 'severity', title: 'SEV', minimumWidth: 6, align: 'left', dropOrder: 0, sortKeys: ['severity'],
	cell: row => row.severity ? `${severityStyles[row.severity].glyph} ${severityStyles[row.severity].label}` : '',
};

export const addressColumn: HostColumn = {
	id: 'address', title: 'HOST', minimumWidth: 5, align: 'left', dropOrder: 0, sortKeys: ['address'],
	cell: row => row.name ? `${row.address} (${row.name})` : row.address,
};

const otherColumns: readonly HostColumn[] = [
	{id: 'side', title: 'NET', minimumWidth: 3, align: 'left', dropOrder: 5, sortKeys: [], cell: row => row.internal ? 'int' : 'ext'},
	{id: 'roles', title: 'ROLE', minimumWidth: 4, align: 'left', dropOrder: 2, sortKeys: [], cell: row => row.roles.join(',')},
	{
		id: 'protocols', title: 'PROTOCOLS', minimumWidth: 9, align: 'left', dropOrder: 3, sortKeys: [],
		cell: row => row.protocols.map(family => familyShortLabels[family]).join(','),
	},
	{id: 'peers', title: 'PEERS', minimumWidth: 6, align: 'right', dropOrder: 6, sortKeys: ['peers'], cell: row => formatCount(row.peers)},
	{id: 'bytesIn', title: 'IN', minimumWidth: 8, align: 'right', dropOrder: 4, sortKeys: ['traffic'], cell: row => formatBytes(row.bytesIn)},
	{id: 'bytesOut', title: 'OUT', minimumWidth: 8, align: 'right', dropOrder: 4, sortKeys: ['traffic'], cell: row => formatBytes(row.bytesOut)},
	{id: 'packetRate', title: 'PKT/S', minimumWidth: 7, align: 'right', dropOrder: 7, sortKeys: ['packetRate'], cell: row => formatPacketRate(row.packetsPerSecond)},
	{id: 'lastSeen', title: 'SEEN', minimumWidth: 6, align: 'right', dropOrder: 8, sortKeys: ['lastSeen'], cell: (row, now) => formatAge(row.lastSeen, now)},
];

export interface SizedColumn {
	column: HostColumn;
	width: number;
}

export interface HostColumnSet {
	addressWidth: number;
	/** The columns after severity and address, in display order. */
	columns: SizedColumn[];
	/** Spaces after the address and between the cells after it: one, or more when the terminal has room to spare. */
	gap: number;
}

/** Room for the column's title (and the sort arrow beside it) and for each of its cells. */
function neededWidth(column: HostColumn, rows: readonly HostRow[], now: number): number {
	const title = column.title.length + (column.sortKeys.length > 0 ? 1 : 0);
	return rows.reduce((widest, row) => Math.max(widest, displayWidth(column.cell(row, now))), Math.max(column.minimumWidth, title));
}

/** Columns that fit `width` terminal columns for these rows. */
export function chooseHostColumns(width: number, rows: readonly HostRow[], now: number): HostColumnSet {
	let columns = otherColumns.map(column => ({column, width: neededWidth(column, rows, now)}));
	const addressNeed = neededWidth(addressColumn, rows, now);
	const addressFloor = Math.min(addressNeed, minimumAddressWidth);
	const used = (set: readonly SizedColumn[]): number =>
		severityColumn.minimumWidth + 1 + set.reduce((total, sized) => total + sized.width + 1, 0);
	while (columns.length > 0 && used(columns) + addressFloor > width) {
		const dropped = columns.reduce((worst, sized) => sized.column.dropOrder > worst.column.dropOrder ? sized : worst);
		columns = columns.filter(sized => sized !== dropped);
	}

	const addressWidth = Math.max(addressFloor, Math.min(addressNeed, width - used(columns)));
	const spare = width - used(columns) - addressWidth;
	const gaps = Math.max(1, columns.length);
	return {addressWidth, columns, gap: 1 + Math.max(0, Math.floor(spare / gaps))};
}
