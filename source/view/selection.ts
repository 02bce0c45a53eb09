// Selection and scrolling over a list, as pure functions: the host table, the alert pane, the detail
// and the help overlay all move a selection within a count and keep a window of rows around it.

export type Movement = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

/** `index` held within 0..count-1 (0 for an empty list). */
export function clampIndex(index: number, count: number): number {
	return Math.max(0, Math.min(count - 1, index));
}

/** Where a movement takes the selection, within the list. */
export function moveSelection(current: number, count: number, movement: Movement, page: number): number {
	const moved = {
		up: current - 1,
		down: current + 1,
		pageUp: current - page,
		pageDown: current + page,
		top: 0,
		bottom: count - 1,
	}[movement];
	return clampIndex(moved, count);
}

/** The first row of a `rows`-high window that shows `selected`, moving `offset` as little as possible. */
export function followSelection(selected: number, offset: number, rows: number): number {
	if (selected < offset) {
		return selected;
	}

	return selected >= offset + rows ? selected - rows + 1 : offset;
}
