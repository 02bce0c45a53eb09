// How the screen is divided for a terminal size. Ink 6 clears the whole screen on every frame
// that is as tall as the terminal, so the frame is always one line shorter than the terminal.
export interface TerminalSize {
	columns: number;
	rows: number;
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
	/** One sparkline per line, or two side by side when height is short. */
	sparklineColumns: 1 | 2;
	sparklineLines: number;
}

const statusLines = 2;
const footerLines = 1;
const paneTitleLines = 1;
const tableHeaderLines = 1;
const protocolFamilyCount = 8;

export function computeLayout(size: TerminalSize): Layout {
	const width = Math.max(1, size.columns);
	const height = Math.max(1, size.rows - 1);
	const bodyLines = Math.max(0, height - statusLines - footerLines);
	const tooSmall = size.columns < minimumSize.columns || size.rows < minimumSize.rows;
	const sparklineColumns = bodyLines >= 30 ? 1 : 2;
	const sparklineLines = protocolFamilyCount / sparklineColumns;
	const remaining = bodyLines - (paneTitleLines + sparklineLines) - (paneTitleLines + tableHeaderLines) - paneTitleLines;
	const hostRows = Math.max(2, Math.round(remaining * 0.6));
	const alertRows = Math.max(1, remaining - hostRows);
	return {tooSmall, width, height, bodyLines, hostRows, alertRows, sparklineColumns, sparklineLines};
}
