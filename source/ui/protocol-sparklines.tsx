// One sparkline per protocol family over capture time, with the current rate beside it.
import {Box} from 'ink';
import {protocolFamilies, type ProtocolFamily} from '../model/messages.js';
import type {MonitorState} from './monitor-store.js';
import type {RateHistory, RateMetric} from './rate-history.js';
import {PaneTitle} from './pane-title.js';
import {familyLabels} from './protocol-names.js';
import {sparkline} from './sparkline.js';
import {fit} from './display-text.js';
import {ScreenLine} from './screen-line.js';
import {formatBitRate, formatDuration, formatPacketRate} from './format.js';

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

function FamilyLine({family, history, metric, width}: {family: ProtocolFamily; history: RateHistory; metric: RateMetric; width: number}) {
	const graphWidth = Math.max(1, width - labelWidth - rateWidth - 2);
	const rates = history.rates(family, metric, graphWidth);
	const current = rates.at(-1) ?? 0;
	return (
		<ScreenLine width={width} line={[
			`${fit(familyLabels[family], labelWidth)} `,
			{text: sparkline(rates, graphWidth), style: {color: familyColors[family]}},
			{text: ' ' + fit(formatRate(current, metric), rateWidth, 'right'), style: {bold: current > 0, dimColor: current === 0}},
		]}/>
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
