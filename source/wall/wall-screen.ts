// The blessed widgets of the wall, placed by computeWallLayout and rebuilt when the terminal is
// resized (contrib canvases size themselves only when attached). Drawing reads a WallState and
// never builds a tag from network text: lines come from segments whose text is escaped.
import type {Widgets} from 'blessed';
import blessed from 'blessed';
import contrib from 'blessed-contrib';
import {detections, type Severity} from '../model/messages.js';
import {severityStyles} from '../view/severity-style.js';
import {alertLogLines} from './alert-log-lines.js';
import {hostTableLines} from './host-table-lines.js';
import {rateChartData} from './rate-chart-data.js';
import {taggedLine} from './tagged-text.js';
import {severityCanvasColors} from './wall-colors.js';
import {headerSegments} from './wall-header.js';
import {computeWallLayout, hostTableRows, innerRows, minimumWallSize, type Rectangle, type WallLayout} from './wall-layout.js';
import type {WallState} from './wall-state.js';

/** Capture-time points on the chart: three minutes at the RateHistory's two-second buckets. */
const chartPoints = 90;
const legendWidth = 14;
const counterDigits = 3;
const barOffset = 2;
const severityNames: Record<Severity, string> = {critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW'};

interface WallWidgets {
	header: Widgets.BoxElement;
	counters: Array<{severity: Severity; lcd: contrib.LcdElement}>;
	detectionBars?: contrib.BarElement;
	chart: contrib.LineElement;
	hosts: contrib.TableElement;
	alerts: contrib.LogElement;
}

function bordered(area: Rectangle, label: string): Widgets.BoxOptions {
	return {...area, label: ` ${label} `, border: {type: 'line'}, style: {border: {fg: 'cyan'}, label: {bold: true}}};
}

/**
 * Columns of a bordered box its label cannot use: blessed sets the label two columns in and wraps
 * what passes the right border onto the first row inside, over the LCD digits.
 */
const labelMargin = 3;

/** The counter's label, as `bordered` pads it: with the word "open" when the box has room for it. */
export function counterLabel(severity: Severity, width: number): string {
	const name = `${severityStyles[severity].glyph} ${severityNames[severity]}`;
	const withWord = `${name} open`;
	return ` ${withWord} `.length <= width - labelMargin ? withWord : name;
}

export class WallScreen {
	private layout: WallLayout | undefined;
	private widgets: WallWidgets | undefined;
	private chartUnit = '';

	constructor(private readonly screen: Widgets.Screen) {}

	/** Host rows the table shows, to ask the worker for that window; 0 when the wall is hidden. */
	get hostRows(): number {
		return this.layout === undefined ? 0 : hostTableRows(this.layout.hosts);
	}

	/** (Re)creates every widget for the screen's current size. */
	build(): void {
		for (const child of [...this.screen.children]) {
			child.destroy();
		}

		this.widgets = undefined;
		this.chartUnit = '';
		const size = {columns: this.screen.width as number, rows: this.screen.height as number};
		this.layout = computeWallLayout(size);
		if (this.layout === undefined) {
			blessed.box({
				parent: this.screen,
				top: 'center',
				left: 'center',
				width: 'shrink',
				height: 'shrink',
				content: `terminal too small: ${size.columns}x${size.rows}, the wall needs ${minimumWallSize.columns}x${minimumWallSize.rows}`,
			});
			return;
		}

		const {layout} = this;
		const header = blessed.box({parent: this.screen, ...layout.header, tags: true, style: {fg: 'white', bg: 'blue'}});
		const counters = (layout.counters ?? []).map(({severity, area}) => {
			const color = severityCanvasColors[severity];
			const lcd = contrib.lcd({
				...bordered(area, counterLabel(severity, area.width)),
				elements: counterDigits,
				display: ' '.repeat(counterDigits),
				// Thicker segments than the default read from across a room.
				segmentWidth: 0.1,
				segmentInterval: 0.15,
				strokeWidth: 0.2,
				color,
			});
			this.screen.append(lcd);
			return {severity, lcd};
		});
		let detectionBars: contrib.BarElement | undefined;
		if (layout.detections) {
			// The bar canvas wraps rather than clips: every bar must fit inside the border.
			const barSpacing = Math.max(7, Math.min(9, Math.floor((layout.detections.width - 2 - barOffset) / detections.length)));
			detectionBars = contrib.bar({
				...bordered(layout.detections, 'Alerts by detection'),
				barWidth: barSpacing - 2,
				barSpacing,
				xOffset: barOffset,
				maxHeight: 1,
				barBgColor: 'red',
				barFgColor: 'white',
			});
			this.screen.append(detectionBars);
		}

		const chart = contrib.line({
			...bordered(layout.chart, 'Mining & node traffic'),
			showLegend: true,
			legend: {width: legendWidth},
			numYLabels: 4,
			style: {text: 'white', baseline: 'white'},
		});
		const hosts = contrib.table({
			...bordered(layout.hosts, 'Top hosts by severity'),
			columnWidth: [1],
			columnSpacing: 0,
			interactive: false,
			fg: 'white',
		});
		const alerts = contrib.log({...bordered(layout.alerts, 'Alerts, newest first'), tags: true, bufferLength: 1});
		for (const widget of [chart, hosts, alerts]) {
			this.screen.append(widget);
		}

		this.widgets = {header, counters, detectionBars, chart, hosts, alerts};
	}

	draw(state: WallState, replay: boolean): void {
		const {widgets, layout} = this;
		if (widgets === undefined || layout === undefined) {
			this.screen.render();
			return;
		}

		const {summary} = state;
		widgets.header.setContent(taggedLine(headerSegments({summary, end: state.end, replay, withCounts: widgets.counters.length === 0}, layout.header.width)));
		for (const {severity, lcd} of widgets.counters) {
			lcd.setDisplay(String(Math.min(10 ** counterDigits - 1, summary?.alertsOpen[severity] ?? 0)).padStart(counterDigits));
		}

		widgets.detectionBars?.setData(state.tally.bars());
		this.drawChart(widgets.chart, state);

		const rowWidth = Math.max(0, layout.hosts.width - 3);
		const table = hostTableLines(summary?.hosts ?? [], rowWidth);
		const rows = table.lines.map(segments => taggedLine(segments));
		// Cells are cut at the column width counted with tags: one column as wide as the longest line.
		widgets.hosts.options.columnWidth = [Math.max(rowWidth, ...rows.map(row => row.length))];
		widgets.hosts.setData({headers: [` ${table.header}`], data: rows.map(row => [row])});

		const alertWidth = Math.max(0, layout.alerts.width - 2);
		const lines = alertLogLines(state.alerts, alertWidth, innerRows(layout.alerts));
		widgets.alerts.setItems(lines.length > 0 ? lines.map(line => taggedLine(line)) : [taggedLine([{text: 'no alerts yet', color: 'gray'}])]);
		this.screen.render();
	}

	private drawChart(chart: contrib.LineElement, state: WallState): void {
		// The legend (one line per series, inside its own border) must fit inside the chart.
		const data = rateChartData(state.history, chartPoints, Math.max(1, (chart.height as number) - 5));
		chart.options.maxY = data.maxY;
		if (data.unit !== this.chartUnit) {
			this.chartUnit = data.unit;
			chart.setLabel(` Mining & node traffic, ${data.unit} over capture time `);
		}

		chart.setData(data.series.map(series => ({title: series.title, x: series.x, y: series.y, style: {line: series.color}})));
	}
}
