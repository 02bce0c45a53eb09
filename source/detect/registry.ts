// Every protocol detector, in the order they look at a flow (cheapest and most specific first).
import type {Detector} from './detector.js';
import {bitcoinP2pDetector} from './bitcoin-p2p.js';
import {moneroLevinDetector} from './monero-levin.js';
import {tlsClientHelloDetector} from './tls-client-hello.js';
import {stratumDetector} from './stratum.js';
import {getworkDetector} from './getwork.js';
import {stratumV2Detector} from './stratum-v2.js';
import {bitcoinV2Detector} from './bitcoin-v2.js';
import {dnsDetector} from './dns.js';
import {websocketStratumDetector} from './websocket-stratum.js';
import {stratumTlsDetector} from './stratum-tls.js';
import {devp2pDetector} from './devp2p.js';
import {listedPoolDetector} from './listed-pool.js';

export const detectors: readonly Detector[] = [
	bitcoinP2pDetector,
	moneroLevinDetector,
	tlsClientHelloDetector,
	stratumDetector,
	getworkDetector,
	stratumV2Detector,
	bitcoinV2Detector,
	dnsDetector,
	websocketStratumDetector,
	stratumTlsDetector,
	devp2pDetector,
	// Last: a content detector that recognises the session says more, and settles the flow first.
	listedPoolDetector,
];
