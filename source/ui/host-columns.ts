// The host table's columns and which survive on a narrow terminal: columns are dropped, highest
// `dropOrder` first, before any pane is.
import type {HostRow, HostSortKey} from '../model/messages.js';
import {familyShortLabels} from '../view/protocol-names.js';
import {severityStyles} from '../view/severity-style.js';
import {formatAge, formatBytes, formatCount, formatPacketRate} from '../view/format.js';

export interface HostColumn {
	id: string;
	title: string;
	width: number;
	align: 'left' | 'right';
	/** 0 never drops; otherwise higher numbers drop first. */
	dropOrder: number;
	sortKeys: readonly HostSortKey[];
	cell(row: HostRow, now: number): string;
}

export const minimumAddressWidth = 18;
/** Wider than an IPv6 address and a name; beyond it the row just ends, which keeps frames cheap. */
export const maximumAddressWidth = 64;

export const severityColumn: HostColumn = {
	id: 'severity', title: 'SEV', width: 6, align: 'left', dropOrder: 0, sortKeys: ['severity'],
	cell: row => row.severity ? `${severityStyles[row.severity].glyph} ${severityStyles[row.severity].label}` : '',
};

export const addressColumn: HostColumn = {
	id: 'address', title: 'HOST', width: minimumAddressWidth, align: 'left', dropOrder: 0, sortKeys: ['address'],
	cell: row => row.name ? `${row.address} (${row.name})` : row.address,
};

const otherColumns: readonly HostColumn[] = [
	{id: 'side', title: 'NET', width: 3, align: 'left', dropOrder: 5, sortKeys: [], cell: row => row.internal ? 'int' : 'ext'},
	{id: 'roles', title: 'ROLE', width: 10, align: 'left', dropOrder: 2, sortKeys: [], cell: row => row.roles.join(',')},
	{
		id: 'protocols', title: 'PROTOCOLS', width: 15, align: 'left', dropOrder: 3, sortKeys: [],
		cell: row => row.protocols.map(family => familyShortLabels[family]).join(','),
	},
	{id: 'peers', title: 'PEERS', width: 5, align: 'right', dropOrder: 6, sortKeys: ['peers'], cell: row => formatCount(row.peers)},
	{id: 'bytesIn', title: 'IN', width: 8, align: 'right', dropOrder: 4, sortKeys: ['traffic'], cell: row => formatBytes(row.bytesIn)},
	{id: 'bytesOut', title: 'OUT', width: 8, align: 'right', dropOrder: 4, sortKeys: ['traffic'], cell: row => formatBytes(row.bytesOut)},
	{id: 'packetRate', title: 'PKT/S', width: 7, align: 'right', dropOrder: 7, sortKeys: ['packetRate'], cell: row => formatPacketRate(row.packetsPerSecond)},
	{id: 'lastSeen', title: 'SEEN', width: 6, align: 'right', dropOrder: 8, sortKeys: ['lastSeen'], cell: (row, now) => formatAge(row.lastSeen, now)},
];

export interface HostColumnSet {
	/** Width of the address column: whatever the fixed columns leave. */
	addressWidth: number;
	/** The columns after severity and address, in display order. */
	columns: HostColumn[];
}

/** Columns that fit `width` terminal columns, one space between cells. */
export function chooseHostColumns(width: number): HostColumnSet {
	let columns = [...otherColumns];
	const used = (set: readonly HostColumn[]): number =>
		severityColumn.width + 1 + set.reduce((total, column) => total + column.width + 1, 0);
	while (columns.length > 0 && used(columns) + minimumAddressWidth > width) {
		const dropped = columns.reduce((worst, column) => column.dropOrder > worst.dropOrder ? column : worst);
		columns = columns.filter(column => column !== dropped);
	}

	return {addressWidth: Math.min(maximumAddressWidth, Math.max(minimumAddressWidth, width - used(columns))), columns};
}
