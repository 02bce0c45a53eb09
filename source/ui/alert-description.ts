// One alert as one line of text: host → peer, detection, protocol, repeats, strongest evidence.
import type {AlertEntry} from './alert-ring.js';
import {alertProtocolLabels} from './protocol-names.js';
import {formatEndpoint} from './format.js';

export function describeAlert(entry: AlertEntry): string {
	const {alert} = entry;
	const peerName = alert.peerName ? ` (${alert.peerName})` : '';
	const count = entry.count > 1 ? ` ×${entry.count}` : '';
	const evidence = alert.evidence[0] ? ` · ${alert.evidence[0]}` : '';
	return `${alert.host} → ${formatEndpoint(alert.peer, alert.peerPort)}${peerName} ${alert.detection} ${alertProtocolLabels[alert.protocol]}${count}${evidence}`;
}
