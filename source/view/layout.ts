// How the screen is divided for a terminal size and what the panes hold. Ink 6 clears the whole
// screen on every frame that is as tall as the terminal, so the frame is always one line shorter
// than the terminal.
export interface TerminalSize {
	columns: number;
	rows: number;
}

/** Rows the host table and the alert pane could fill: hosts matching the filter, alerts held. */
export interface PaneContent {
	hosts: number;
	alerts: number;
}

export const minimumSize: TerminalSize = {columns: 60, rows: 15};

export interface Layout {
	tooSmall: boolean;
	width: number;
	/** Lines in a frame: rows − 1. */
	height: number;
	/** Lines between the status bar and the footer. */
	bodyLines: number;
	hostRows: number;
	alertRows: number;
	/** One sparkline per line, or two side by side when rows are short. */
	sparklineColumns: 1 | 2;
	sparklineLines: number;
}

const statusLines = 2;
const footerLines = 1;
const paneTitleLines = 1;
const tableHeaderLines = 1;
const protocolFamilyCount = 8;
/** Two sparklines side by side still get a graph of 40 columns or more. */
const sideBySideSparklinesFrom = 120;
/** The share of the rows the host table gets when both panes have more than fits. */
const hostShare = 0.6;
const minimumHostRows = 2;
const minimumAlertRows = 1;

/** Until the panes have content, both are taken to need all the rows there are. */
const unknownContent: PaneContent = {hosts: Number.POSITIVE_INFINITY, alerts: Number.POSITIVE_INFINITY};

/**
 * Rows shared by content, so the panes always fill the body: when everything fits the host table
 * takes what it needs and the alert pane the rest (new alerts then move nothing); otherwise a pane
 * that needs less than its share gives the rest to the other.
 */
function shareRows(rows: number, content: PaneContent): {hostRows: number; alertRows: number} {
	const hostNeed = Math.max(minimumHostRows, content.hosts);
	const alertNeed = Math.max(minimumAlertRows, content.alerts);
	if (hostNeed + alertNeed <= rows) {
		return {hostRows: hostNeed, alertRows: rows - hostNeed};
	}

	const hostRows = Math.max(minimumHostRows, Math.round(rows * hostShare));
	const alertRows = Math.max(minimumAlertRows, rows - hostRows);
	if (alertNeed < alertRows) {
		return {hostRows: Math.max(minimumHostRows, rows - alertNeed), alertRows: alertNeed};
	}

	if (hostNeed < hostRows) {
		return {hostRows: hostNeed, alertRows: Math.max(minimumAlertRows, rows - hostNeed)};
	}

	return {hostRows, alertRows};
}

export function computeLayout(size: TerminalSize, content: PaneContent = unknownContent): Layout {
	const width = Math.max(1, size.columns);
	const height = Math.max(1, size.rows - 1);
	const bodyLines = Math.max(0, height - statusLines - footerLines);
	const tooSmall = size.columns < minimumSize.columns || size.rows < minimumSize.rows;
	const fixedLines = (sparklineLines: number): number => (paneTitleLines + sparklineLines) + (paneTitleLines + tableHeaderLines) + paneTitleLines;
	const stackedRoom = bodyLines - fixedLines(protocolFamilyCount);
	// Side by side, the sparklines leave four more rows to panes whose content would not fit otherwise.
	const crowded = Math.max(minimumHostRows, content.hosts) + Math.max(minimumAlertRows, content.alerts) > stackedRoom;
	const sparklineColumns = bodyLines < 30 || (crowded && width >= sideBySideSparklinesFrom) ? 2 : 1;
	const sparklineLines = protocolFamilyCount / sparklineColumns;
	const {hostRows, alertRows} = shareRows(bodyLines - fixedLines(sparklineLines), content);
	return {tooSmall, width, height, bodyLines, hostRows, alertRows, sparklineColumns, sparklineLines};
}
