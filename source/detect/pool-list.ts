// Names and addresses with a reputation: mining pools (built-in suffixes from detection-notes §7.2,
// extendable with `--pools FILE`), browser-mining services (a page that loads one mines in the
// visitor's browser) and Bitcoin-family DNS seeds (a node starting up). Exchanges, wallets and
// explorers are deliberately absent: using a wallet is not mining.
import {readFileSync} from 'node:fs';
import {parseIpv4, parseIpv6, formatIpv4, formatIpv6} from '../decode/ip-address-text.js';

/** The list entry a name matched (a domain suffix, or a seed's exact name). */
export type NameMatch =
	/** `service`: a pool proper, or the script and WebSocket proxy of a browser miner. */
	| {kind: 'pool'; entry: string; service: PoolService}
	/** `network`: the chain and network the seed serves. */
	| {kind: 'seed'; entry: string; network: string};

const builtinPoolSuffixes = [
	'nicehash.com', 'f2pool.com', 'antpool.com', 'viabtc.com', 'braiins.com', 'slushpool.com',
	'2miners.com', 'nanopool.org', 'supportxmr.com', 'minexmr.com', 'hashvault.pro',
	'moneroocean.stream', 'herominers.com', 'unmineable.com', 'ethermine.org', 'flypool.org',
	'flexpool.io', 'kryptex.com', 'kryptex.network', 'c3pool.com', 'c3pool.org', 'minergate.com',
	'miningpoolhub.com', 'zpool.ca', 'zergpool.com', 'prohashing.com', 'woolypooly.com', 'hiveon.net',
	'ezil.me', 'emcd.io', 'poolin.com', 'luxor.tech', 'foundryusapool.com', 'ocean.xyz', 'sbicrypto.com',
	'spiderpool.com', 'secpool.com', 'k1pool.com', 'public-pool.io', 'solopool.org', 'ckpool.org',
	'litecoinpool.org', 'p2pool.io', 'xmrpool.eu', 'monerohash.com', 'moneropool.com', 'crypto-pool.fr',
	'dwarfpool.com', 'suprnova.cc', 'minerrocks.com', 'miner.rocks', 'poolto.be', 'prohash.net',
	'donate.v2.xmrig.com', 'donate.ssl.xmrig.com', 'randomx.xmrig.com', 'fee.xmrig.com', 'poolbinance.com',
];

export type PoolService = 'mining pool' | 'browser-mining service';

/**
 * Browser-mining services: Coinhive and its successors and clones, the names NoCoin-style blockers
 * list for them (hoshsadiq/adblock-nocoin-list hosts.txt, 2025; CoinBlockerLists' browser list).
 * Only names that are the service's own: those lists also hold sites that once embedded a miner,
 * mail servers and generic words, which would name innocent traffic.
 */
const builtinBrowserMiningSuffixes = [
	'coinhive.com', 'coin-hive.com', 'cnhv.co', 'coinhiveproxy.com', 'authedmine.com', 'authedmine.eu',
	'authedwebmine.cz', 'crypto-loot.com', 'cryptoloot.pro', 'cryptaloot.pro', 'webminepool.com',
	'webminerpool.com', 'webmine.cz', 'webmine.pro', 'webmining.co', 'webminer.moneroocean.stream',
	'minero.cc', 'minero.pw', 'coinimp.com', 'coinimp.net', 'jsecoin.com', 'coin-have.com', 'ppoi.org',
	'projectpoi.com', 'minemytraffic.com', 'browsermine.com', 'jscoinminer.com', 'crypto-webminer.com',
	'nfwebminer.com', 'webxmr.com', 'monerominer.rocks', 'minr.pw', 'coinerra.com', 'coinnebula.com',
];

/**
 * Bitcoin Core asks a seed for nodes with the services it needs as `x<hex service bits>.<seed>`
 * (`strprintf("x%x.%s", requiredServiceBits, seed)`, net.cpp): `x9.` is NETWORK|WITNESS.
 */
const serviceFilterPrefix = /^x[0-9a-f]{1,16}\./;

/** DNS seeds from each chain's chainparams: looking one up means a node is starting or seeking peers. */
const builtinSeeds: Record<string, string[]> = {
	'bitcoin-mainnet': [
		'seed.bitcoin.sipa.be', 'dnsseed.bluematt.me', 'dnsseed.bitcoin.dashjr-list-of-p2p-nodes.us',
		'seed.bitcoinstats.com', 'seed.bitcoin.jonasschnelli.ch', 'seed.btc.petertodd.net',
		'seed.btc.petertodd.org', 'seed.bitcoin.sprovoost.nl', 'dnsseed.emzy.de', 'seed.bitcoin.wiz.biz',
		'seed.mainnet.achownodes.xyz',
	],
	'bitcoin-testnet3': [
		'testnet-seed.bitcoin.jonasschnelli.ch', 'seed.tbtc.petertodd.net', 'seed.tbtc.petertodd.org',
		'seed.testnet.bitcoin.sprovoost.nl', 'testnet-seed.bluematt.me', 'seed.testnet.achownodes.xyz',
	],
	'bitcoin-testnet4': ['seed.testnet4.bitcoin.sprovoost.nl', 'seed.testnet4.wiz.biz'],
	'bitcoin-signet': ['seed.signet.bitcoin.sprovoost.nl', 'seed.signet.achownodes.xyz'],
	'litecoin-mainnet': [
		'seed-a.litecoin.loshan.co.uk', 'dnsseed.thrasher.io', 'dnsseed.litecointools.com',
		'dnsseed.litecoinpool.org', 'dnsseed.koin-project.com',
	],
	'litecoin-testnet4': [
		'testnet-seed.litecointools.com', 'seed-b.litecoin.loshan.co.uk', 'dnsseed-testnet.thrasher.io',
	],
};

export class PoolList {
	/** The built-in pools and seeds, plus whatever `extra` holds. */
	static builtin(extra?: PoolList): PoolList {
		const list = new PoolList();
		for (const suffix of builtinPoolSuffixes) list.addName(suffix);
		for (const suffix of builtinBrowserMiningSuffixes) list.addName(suffix, 'browser-mining service');
		for (const [network, seeds] of Object.entries(builtinSeeds)) {
			for (const seed of seeds) list.seeds.set(seed, network);
		}
		if (extra) {
			for (const [suffix, service] of extra.suffixes) list.suffixes.set(suffix, service);
			for (const address of extra.addresses) list.addresses.add(address);
		}
		return list;
	}

	/**
	 * One entry a line: a domain (matched as a suffix at a label boundary) or an IPv4/IPv6 address.
	 * '#' starts a comment. Throws with the line number on anything else.
	 */
	static parse(text: string, origin = 'pool list'): PoolList {
		const list = new PoolList();
		const lines = text.split(/\r?\n/);
		for (let index = 0; index < lines.length; index++) {
			const entry = lines[index]!.replace(/#.*/, '').trim().toLowerCase();
			if (entry === '') continue;
			const address = canonicalAddress(entry);
			if (address !== undefined) list.addresses.add(address);
			else if (domainPattern.test(entry)) list.addName(entry);
			else throw new Error(`${origin}:${index + 1}: not a domain name or IP address: ${entry.slice(0, 60)}`);
		}
		return list;
	}

	private readonly suffixes = new Map<string, PoolService>();
	private readonly seeds = new Map<string, string>();
	private readonly addresses = new Set<string>();

	/**
	 * Seeds match exactly, or behind the service filter nodes ask them for (`x9.` and friends)
	 * (before pools: `dnsseed.litecoinpool.org` is a seed, not the pool). The longest suffix wins:
	 * `webminer.moneroocean.stream` is the browser miner of the pool `moneroocean.stream`.
	 */
	matchName(name: string): NameMatch | undefined {
		const folded = name.toLowerCase();
		const lower = folded.endsWith('.') ? folded.slice(0, -1) : folded;
		const seed = serviceFilterPrefix.test(lower) ? lower.slice(lower.indexOf('.') + 1) : lower;
		const network = this.seeds.get(seed);
		if (network !== undefined) return {kind: 'seed', entry: seed, network};
		let start = 0;
		while (start >= 0) {
			const candidate = start === 0 ? lower : lower.slice(start);
			const service = this.suffixes.get(candidate);
			if (service !== undefined) return {kind: 'pool', entry: candidate, service};
			const dot = lower.indexOf('.', start);
			start = dot < 0 ? -1 : dot + 1;
		}
		return undefined;
	}

	/** `address` in the text form flows use (dotted quad, RFC 5952 IPv6). */
	hasAddress(address: string): boolean {
		return this.addresses.size > 0 && this.addresses.has(address);
	}

	private addName(suffix: string, service: PoolService = 'mining pool'): void {
		this.suffixes.set(suffix.replace(/^\*?\./, ''), service);
	}
}

/** Reads a `--pools FILE`; throws on an unreadable file or a bad line. */
export function loadPoolList(path: string): PoolList {
	return PoolList.parse(readFileSync(path, 'utf8'), path);
}

const domainPattern = /^(\*\.)?\.?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function canonicalAddress(text: string): string | undefined {
	const ipv4 = parseIpv4(text);
	if (ipv4 !== undefined) return formatIpv4(ipv4);
	const ipv6 = parseIpv6(text);
	if (ipv6 !== undefined) return formatIpv6(...ipv6);
	return undefined;
}
