// Short and long names for protocol families and alert protocols, as the panes print them.
import type {AlertProtocol, ProtocolFamily} from '../model/messages.js';

export const familyLabels: Record<ProtocolFamily, string> = {
	'bitcoin-p2p': 'Bitcoin P2P',
	stratum: 'Stratum',
	'stratum-v2': 'Stratum V2',
	getwork: 'getwork',
	'monero-p2p': 'Monero P2P',
	'pool-dns': 'pool DNS',
	'pool-tls': 'pool TLS',
	other: 'other',
};

export const familyShortLabels: Record<ProtocolFamily, string> = {
	'bitcoin-p2p': 'btc',
	stratum: 'stratum',
	'stratum-v2': 'sv2',
	getwork: 'getwork',
	'monero-p2p': 'xmr',
	'pool-dns': 'dns',
	'pool-tls': 'tls',
	other: 'other',
};

export const alertProtocolLabels: Record<AlertProtocol, string> = {
	'bitcoin-p2p': 'Bitcoin P2P',
	'bitcoin-p2p-v2': 'Bitcoin P2P v2',
	stratum: 'Stratum',
	'stratum-v2': 'Stratum V2',
	getwork: 'getwork',
	dns: 'DNS',
	tls: 'TLS',
	'monero-p2p': 'Monero P2P',
	devp2p: 'Ethereum devp2p',
	tcp: 'TCP',
};
