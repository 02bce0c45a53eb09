// One alert as one line of text: the connection as it was opened, detection, protocol, repeats,
// strongest evidence.
import type {Alert} from '../model/messages.js';
import type {AlertEntry} from './alert-ring.js';
import {alertProtocolLabels} from './protocol-names.js';
import {formatEndpoint} from './format.js';

export function describeAlert(entry: AlertEntry): string {
	const {alert} = entry;
	const evidence = alert.evidence[0] ? ` · ${alert.evidence[0]}` : '';
	return `${describeConnection(alert)} ${alert.detection} ${alertProtocolLabels[alert.protocol]}${describeCount(alert)}${evidence}`;
}

/**
 * Opener → listener with the port it listens on, so an inbound connection reads as one
 * (`203.0.113.99 → 192.168.10.10:8333`); the peer's name beside the peer.
 */
export function describeConnection(alert: Alert): string {
	const peerName = alert.peerName ? ` (${alert.peerName})` : '';
	return alert.opener === 'peer'
		? `${alert.peer}${peerName} → ${formatEndpoint(alert.host, alert.port)}`
		: `${alert.host} → ${formatEndpoint(alert.peer, alert.port)}${peerName}`;
}

/** `×N` once N flows have shown the alert. */
export function describeCount(alert: Alert): string {
	return alert.count > 1 ? ` ×${alert.count}` : '';
}
