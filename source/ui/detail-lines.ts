// The host detail view as a list of lines, so it scrolls like any list and renders only what fits.
import type {Alert, FlowRow, PeerRow, Summary} from '../model/messages.js';
import type {AlertEntry} from '../view/alert-ring.js';
import {alertProtocolLabels, familyLabels} from '../view/protocol-names.js';
import {severityStyles} from '../view/severity-style.js';
import {displayWidth, fit} from '../view/display-text.js';
import {describeConnection, describeCount} from '../view/alert-description.js';
import {formatBytes, formatClock, formatCount, formatEndpoint, formatInteger, formatPacketRate, formatTimestamp, quantity} from '../view/format.js';

export interface DetailLine {
	text: string;
	color?: string;
	heading?: true;
	dim?: true;
}

function alertsAbout(address: string, alerts: readonly AlertEntry[]): AlertEntry[] {
	return alerts.filter(entry => entry.alert.host === address || entry.alert.peer === address);
}

const evidenceIndent = '    ';

/** Evidence is the why of an alert: wrapped at word boundaries, indented, never cut. */
function wrapped(text: string, width: number): DetailLine[] {
	const room = Math.max(10, width - evidenceIndent.length);
	const lines: DetailLine[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > room) {
			lines.push({text: evidenceIndent + line});
			line = '';
		}

		// A word longer than the line (a wallet address) is split where the line ends.
		let rest = line === '' ? word : `${line} ${word}`;
		while (displayWidth(rest) > room) {
			lines.push({text: evidenceIndent + rest.slice(0, room)});
			rest = rest.slice(room);
		}

		line = rest;
	}

	lines.push({text: evidenceIndent + line});
	return lines;
}

function alertLines(entry: AlertEntry, width: number): DetailLine[] {
	const {alert} = entry;
	const style = severityStyles[alert.severity];
	const acknowledged = entry.acknowledged ? ' ✓ acknowledged' : '';
	const lines: DetailLine[] = [{
		text: `${style.glyph} ${style.label} ${formatClock(alert.time)} ${alert.detection} ${describeConnection(alert)} ${alertProtocolLabels[alert.protocol]} certainty ${alert.certainty}%${describeCount(alert)}${acknowledged}`,
		color: style.color,
	}];
	const facts = describeFacts(alert);
	if (facts) {
		lines.push(...wrapped(facts, width));
	}

	for (const evidence of alert.evidence) {
		lines.push(...wrapped(evidence, width));
	}

	return lines;
}

function describeFacts(alert: Alert): string {
	const facts: string[] = [];
	if (alert.network) {
		facts.push(`network ${alert.network}`);
	}

	if (alert.agent) {
		facts.push(`agent ${alert.agent}`);
	}

	if (alert.worker) {
		facts.push(`worker ${alert.worker}`);
	}

	if (alert.algorithm) {
		facts.push(`algorithm ${alert.algorithm}`);
	}

	if (alert.mitre) {
		facts.push(`MITRE ${alert.mitre.technique} (${alert.mitre.tactic})`);
	}

	if (alert.allowed) {
		facts.push('allowed');
	}

	return facts.join(' · ');
}

function flowLine(flow: FlowRow): string {
	return [
		fit(flow.protocol, 5),
		fit(`${formatEndpoint(flow.client, flow.clientPort)} → ${formatEndpoint(flow.server, flow.serverPort)}`, 52),
		fit(familyLabels[flow.family], 11),
		fit(formatCount(flow.packets), 6, 'right'),
		fit(formatBytes(flow.bytesToServer), 8, 'right'),
		fit(formatBytes(flow.bytesToClient), 8, 'right'),
		fit(flow.state, 11),
		formatClock(flow.lastSeen),
	].join(' ');
}

function peerLine(peer: PeerRow): string {
	return [
		fit(peer.name ? `${peer.address} (${peer.name})` : peer.address, 52),
		fit(peer.internal ? 'int' : 'ext', 3),
		fit(formatCount(peer.flows), 6, 'right'),
		fit(formatBytes(peer.bytes), 8, 'right'),
	].join(' ');
}

/** A bounded list's count: `3`, or `50 of 120` when the worker sent only the first 50. */
function shownOf(shown: number, all: number): string {
	return shown < all ? `${formatInteger(shown)} of ${formatInteger(all)}` : formatInteger(shown);
}

/** The lines for a view `width` columns wide: evidence wraps, table rows are cut. */
export function buildDetailLines(address: string, summary: Summary | undefined, alerts: readonly AlertEntry[], width: number): DetailLine[] {
	const lines: DetailLine[] = [];
	const detail = summary?.detail;
	const host = detail?.host.address === address ? detail.host : undefined;
	if (host === undefined || detail === undefined) {
		// A stream (minewatch view) carries only the sensor's --top hosts: the rest never come.
		const missing = summary?.streamed === undefined ? 'waiting for the capture worker…' : 'not among the hosts the stream carries (the sensor\'s --top)';
		lines.push({text: `Host ${address}`, heading: true}, {text: missing, dim: true});
	} else {
		const severity = host.severity ? ` · ${severityStyles[host.severity].glyph} ${severityStyles[host.severity].label}` : '';
		const roles = host.roles.length > 0 ? ` · ${host.roles.join(', ')}` : '';
		lines.push(
			{text: `Host ${host.address}${host.name ? ` (${host.name})` : ''} · ${host.internal ? 'internal' : 'external'}${roles}${severity}`, heading: true},
			{text: `seen ${formatTimestamp(host.firstSeen)} → ${formatTimestamp(host.lastSeen)} UTC · ${quantity(host.packets, 'packet')} · in ${formatBytes(host.bytesIn)} · out ${formatBytes(host.bytesOut)} · ${formatPacketRate(host.packetsPerSecond)} · ${quantity(host.flows, 'flow')} seen${detail.streamed ? '' : `, ${formatInteger(detail.liveFlows)} live`} · ${quantity(host.peers, 'peer')}`},
		);
	}

	const related = alertsAbout(address, alerts);
	lines.push({text: ''}, {text: `Alerts (${related.length})`, heading: true});
	if (related.length === 0) {
		lines.push({text: 'none', dim: true});
	}

	for (const entry of related) {
		lines.push(...alertLines(entry, width));
	}

	if (detail?.streamed === true) {
		lines.push({text: ''}, {text: 'flows and peers stay at the sensor: the stream carries hosts and alerts', dim: true});
	} else if (detail !== undefined && host !== undefined) {
		lines.push({text: ''}, {text: `Live flows (${shownOf(detail.flows.length, detail.liveFlows)})`, heading: true});
		lines.push({text: `${fit('PROTO', 5)} ${fit('CLIENT → SERVER', 52)} ${fit('FAMILY', 11)} ${fit('PKTS', 6, 'right')} ${fit('→SERVER', 8, 'right')} ${fit('→CLIENT', 8, 'right')} ${fit('STATE', 11)} LAST`, dim: true});
		for (const flow of detail.flows) {
			lines.push({text: flowLine(flow)});
		}

		lines.push({text: ''}, {text: `Peers (${shownOf(detail.peers.length, host.peers)})`, heading: true});
		for (const peer of detail.peers) {
			lines.push({text: peerLine(peer)});
		}
	}

	return lines;
}
