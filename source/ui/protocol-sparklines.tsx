// One sparkline per protocol family over capture time, with the current rate beside it.
import {Box} from 'ink';
import {protocolFamilies, type ProtocolFamily} from '../model/messages.js';
import type {MonitorState} from './monitor-store.js';
import type {RateHistory, RateMetric} from '../view/rate-history.js';
import {PaneTitle} from './pane-title.js';
import {familyLabels} from '../view/protocol-names.js';
import {sparkline} from './sparkline.js';
import {fit} from '../view/display-text.js';
import {ScreenLine, type Segment} from './screen-line.js';
import {formatBitRate, formatDuration, formatPacketRate} from '../view/format.js';

const familyColors: Record<ProtocolFamily, string> = {
	'bitcoin-p2p': 'yellow',
	stratum: 'red',
	'stratum-v2': 'magenta',
	getwork: 'redBright',
	'monero-p2p': 'magentaBright',
	'pool-dns': 'blue',
	'pool-tls': 'cyan',
	other: 'gray',
};

const labelWidth = 11;
const rateWidth = 10;

function formatRate(rate: number, metric: RateMetric): string {
	return metric === 'bytes' ? formatBitRate(rate * 8) : formatPacketRate(rate);
}

// Ink pays for every character it writes, every frame; an idle family's graph is blank and a young
// capture's history is short, so a long blank stretch is left to the layout instead of written.
const blankWorthSkipping = 16;

function FamilyLine({family, history, metric, width}: {family: ProtocolFamily; history: RateHistory; metric: RateMetric; width: number}) {
	const graphWidth = Math.max(1, width - labelWidth - rateWidth - 2);
	const rates = history.rates(family, metric, graphWidth);
	const current = rates.at(-1) ?? 0;
	const label = `${fit(familyLabels[family], labelWidth)} `;
	const graph = sparkline(rates, graphWidth);
	const drawn = graph.trimStart();
	const color = familyColors[family];
	const rate: Segment = {text: ' ' + fit(formatRate(current, metric), rateWidth, 'right'), style: {bold: current > 0, dimColor: current === 0}};
	if (graph.length - drawn.length < blankWorthSkipping) {
		return <ScreenLine width={width} line={[label, {text: graph, style: {color}}, rate]}/>;
	}

	return (
		<Box width={width} height={1}>
			<ScreenLine width={label.length} line={[label]}/>
			<Box width={graphWidth} flexShrink={0} justifyContent="flex-end">
				{drawn === '' ? null : <ScreenLine width={graphWidth} line={[{text: drawn, style: {color}}]}/>}
			</Box>
			<ScreenLine width={rateWidth + 1} line={[rate]}/>
		</Box>
	);
}

export function ProtocolSparklines({state}: {state: MonitorState}) {
	const {layout, history, metric} = state;
	const columns = layout.sparklineColumns;
	const columnWidth = columns === 2 ? Math.floor((layout.width - 2) / 2) : layout.width;
	const graphWidth = Math.max(1, columnWidth - labelWidth - rateWidth - 2);
	const span = formatDuration(graphWidth * history.bucketMilliseconds);
	const unit = metric === 'bytes' ? 'bits/s' : 'packets/s';
	const lines: ProtocolFamily[][] = [];
	for (let index = 0; index < protocolFamilies.length; index += columns) {
		lines.push(protocolFamilies.slice(index, index + columns));
	}

	return (
		<Box flexDirection="column" height={layout.sparklineLines + 1}>
			<PaneTitle title="Protocols" detail={`${unit} over the last ${span} of capture time`} focused={state.focus === 'protocols'} width={layout.width}/>
			{lines.map(families => (
				<Box key={families.join()} flexDirection="row" gap={2}>
					{families.map(family => <FamilyLine key={family} family={family} history={history} metric={metric} width={columnWidth}/>)}
				</Box>
			))}
		</Box>
	);
}
