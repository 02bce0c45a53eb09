// The parts of blessed-contrib 4.11 the wall uses. The package ships an index.d.ts, but its option
// types cannot be used as written (an LCD's `color` may only be 'white' and its `label` only
// 'Storage Remaining'), and an ambient declaration takes precedence over it.
declare module 'blessed-contrib' {
	import type {Widgets} from 'blessed';

	/** drawille canvas colours: one of the eight basic names, or a 256-colour palette index. */
	type CanvasColor = 'black' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | number;

	interface CanvasElement extends Widgets.BoxElement {
		/** Computed when the widget is attached to the screen; the drawing area in canvas pixels. */
		canvasSize: {width: number; height: number};
	}

	interface LcdOptions extends Widgets.BoxOptions {
		/** How many characters the display holds. */
		elements?: number;
		display?: string | number;
		segmentWidth?: number;
		segmentInterval?: number;
		strokeWidth?: number;
		color?: CanvasColor;
	}

	interface LcdElement extends CanvasElement {
		setDisplay(display: string | number): void;
	}

	interface LineSeries {
		title: string;
		x: string[];
		y: number[];
		style?: {line?: CanvasColor};
	}

	interface LineOptions extends Widgets.BoxOptions {
		showLegend?: boolean;
		legend?: {width?: number};
		/** Fixed top of the y axis; computed from the data (plus a fifth) when absent. */
		maxY?: number;
		minY?: number;
		numYLabels?: number;
		xLabelPadding?: number;
		xPadding?: number;
		wholeNumbersOnly?: boolean;
		style?: {line?: CanvasColor; text?: CanvasColor; baseline?: CanvasColor};
	}

	interface LineElement extends CanvasElement {
		options: LineOptions;
		setData(series: LineSeries[]): void;
	}

	interface BarData {
		titles: string[];
		data: number[];
	}

	interface BarOptions extends Widgets.BoxOptions {
		barWidth?: number;
		barSpacing?: number;
		xOffset?: number;
		/** The smallest top of the scale; must be set, or an all-zero chart divides by NaN. */
		maxHeight: number;
		showText?: boolean;
		barBgColor?: CanvasColor;
		barFgColor?: CanvasColor;
		labelColor?: CanvasColor;
	}

	interface BarElement extends CanvasElement {
		setData(data: BarData): void;
	}

	interface TableData {
		headers: string[];
		data: string[][];
	}

	interface TableOptions extends Widgets.BoxOptions {
		/** Characters per column; cells are cut at this length, tags included. */
		columnWidth: number[];
		columnSpacing?: number;
		interactive?: boolean;
		fg?: string;
	}

	interface TableElement extends Widgets.BoxElement {
		options: TableOptions;
		/** Rows are a blessed list that always parses tags: escape `{` and `}` in cells. */
		setData(data: TableData): void;
	}

	interface LogOptions extends Widgets.ListOptions<Widgets.ListElementStyle> {
		bufferLength?: number;
	}

	type LogElement = Widgets.ListElement;

	export function lcd(options: LcdOptions): LcdElement;
	export function line(options: LineOptions): LineElement;
	export function bar(options: BarOptions): BarElement;
	export function table(options: TableOptions): TableElement;
	export function log(options: LogOptions): LogElement;
}
