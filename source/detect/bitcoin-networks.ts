// Bitcoin-family v1 P2P network magics (detection-notes §4.1, from each chain's chainparams) and
// the limits a real message header must respect.

export interface BitcoinNetwork {
	/** Stable label used in alerts, e.g. `bitcoin-mainnet`. */
	label: string;
	/** Largest payload the chain's nodes accept. */
	maxPayload: number;
}

const bitcoinCap = 4_000_000;
const bigBlockCap = 32_000_000;

/** Keyed by the magic read as a big-endian u32 from its wire bytes. */
export const bitcoinNetworks = new Map<number, BitcoinNetwork>([
	[0xf9beb4d9, {label: 'bitcoin-mainnet', maxPayload: bitcoinCap}],
	[0x0b110907, {label: 'bitcoin-testnet3', maxPayload: bitcoinCap}],
	[0x1c163f28, {label: 'bitcoin-testnet4', maxPayload: bitcoinCap}],
	[0x0a03cf40, {label: 'bitcoin-signet', maxPayload: bitcoinCap}],
	// Litecoin regtest uses the same magic; the user agent tells them apart (see `refineNetwork`).
	[0xfabfb5da, {label: 'bitcoin-regtest', maxPayload: bigBlockCap}],
	[0xf9beb4fe, {label: 'namecoin-mainnet', maxPayload: bitcoinCap}],
	[0xfbc0b6db, {label: 'litecoin-mainnet', maxPayload: bigBlockCap}],
	[0xfdd2c8f1, {label: 'litecoin-testnet4', maxPayload: bigBlockCap}],
	[0xc0c0c0c0, {label: 'dogecoin-mainnet', maxPayload: bigBlockCap}],
	[0xfcc1b7dc, {label: 'dogecoin-testnet', maxPayload: bigBlockCap}],
	[0xe3e1f3e8, {label: 'bitcoin-cash-mainnet', maxPayload: bigBlockCap}],
	[0xf4e5f3f4, {label: 'bitcoin-cash-testnet3', maxPayload: bigBlockCap}],
	// BCH testnet4 and chipnet share this magic.
	[0xe2b7daaf, {label: 'bitcoin-cash-testnet4', maxPayload: bigBlockCap}],
	[0xc3afe1a2, {label: 'bitcoin-cash-scalenet', maxPayload: 256_000_000}],
	[0xdab5bffa, {label: 'bitcoin-cash-regtest', maxPayload: bigBlockCap}],
]);

/** Commands real nodes send (Bitcoin Core, Litecoin, Dogecoin, BCHN, btcd); NUL-padded to 12 bytes on the wire. */
export const bitcoinCommands = new Set([
	'version', 'verack', 'addr', 'addrv2', 'sendaddrv2', 'inv', 'getdata', 'notfound', 'getblocks',
	'getheaders', 'headers', 'tx', 'block', 'ping', 'pong', 'reject', 'getaddr', 'mempool',
	'sendheaders', 'feefilter', 'filterload', 'filteradd', 'filterclear', 'merkleblock', 'sendcmpct',
	'cmpctblock', 'getblocktxn', 'blocktxn', 'wtxidrelay', 'getcfilters', 'cfilter', 'getcfheaders',
	'cfheaders', 'getcfcheckpt', 'cfcheckpt', 'sendtxrcncl', 'alert', 'xversion', 'xverack',
	'extversion', 'dsproof-beta', 'mwebheader', 'mwebleafset', 'checkorder', 'submitorder', 'reply',
]);

/** Service bits worth naming in evidence (all in the low 32 bits of the services field). */
export const serviceBits: ReadonlyArray<[bit: number, name: string]> = [
	[0x1, 'NETWORK'],
	[0x4, 'BLOOM'],
	[0x8, 'WITNESS'],
	[0x40, 'COMPACT_FILTERS'],
	[0x400, 'NETWORK_LIMITED'],
	[0x800, 'P2P_V2'],
];

/** Regtest magic is shared by Bitcoin and Litecoin: the user agent says which. */
export function refineNetwork(label: string, userAgent: string | undefined): string {
	if (label === 'bitcoin-regtest' && userAgent !== undefined && /litecoin/i.test(userAgent)) return 'litecoin-regtest';
	return label;
}
