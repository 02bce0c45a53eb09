// Builds the periodic `summary` message from the pipeline's counters and the engine's verdicts.
// Rates are per second of capture time, so a 10x replay reports the rates the link really had.
import {captureTimeText} from '../model/capture-time.js';
import type {CaptureStats, HostView, Progress, SourceInfo, Summary} from '../model/messages.js';
import type {TrafficPipeline} from '../flows/traffic-pipeline.js';
import type {DetectionEngine} from '../detect/engine.js';

export interface SummaryContext {
	source: SourceInfo;
	view: HostView;
	speed: Summary['speed'];
	paused: boolean;
	capture?: CaptureStats;
	progress?: Progress;
}

const detailFlowLimit = 50;

export class SummaryBuilder {
	private previousPackets = 0;
	private previousBytes = 0;
	private previousMicros: number | undefined;
	private rates = {packetsPerSecond: 0, bitsPerSecond: 0};

	constructor(private readonly pipeline: TrafficPipeline, private readonly engine: DetectionEngine) {}

	build(context: SummaryContext): Summary {
		const {pipeline, engine} = this;
		const totals = {...pipeline.totals};
		const nowMicros = pipeline.lastTimestampMicros;
		this.updateRates(totals.packets, totals.bytes, nowMicros);
		const decorate = (address: string) => engine.hostInfo(address);
		const table = pipeline.hosts.rows(context.view, decorate);
		let detail: Summary['detail'];
		if (context.view.detailHost !== undefined) {
			const host = pipeline.hosts.row(context.view.detailHost, decorate);
			if (host !== undefined) {
				detail = {
					host,
					flows: pipeline.flows.flowsOf(context.view.detailHost, detailFlowLimit),
					peers: pipeline.hosts.peersOf(context.view.detailHost, decorate),
				};
			}
		}

		return {
			type: 'summary',
			time: nowMicros === undefined ? undefined : captureTimeText(nowMicros),
			source: context.source,
			totals,
			rates: this.rates,
			flows: {active: pipeline.flows.active, evicted: pipeline.flows.evicted},
			hostsTracked: pipeline.hosts.size,
			hostsEvicted: pipeline.hosts.evicted,
			hostsMatched: table.matched,
			hosts: table.rows,
			detail,
			protocols: pipeline.familyCounters(),
			alertsOpen: engine.alertsOpen(),
			capture: context.capture,
			progress: context.progress,
			speed: context.speed,
			paused: context.paused,
		};
	}

	private updateRates(packets: number, bytes: number, nowMicros: number | undefined): void {
		if (nowMicros === undefined) {
			return;
		}

		if (this.previousMicros !== undefined && nowMicros > this.previousMicros) {
			const seconds = (nowMicros - this.previousMicros) / 1e6;
			this.rates = {
				packetsPerSecond: (packets - this.previousPackets) / seconds,
				bitsPerSecond: (8 * (bytes - this.previousBytes)) / seconds,
			};
		} else if (packets === this.previousPackets) {
			this.rates = {packetsPerSecond: 0, bitsPerSecond: 0};
		}

		if (this.previousMicros === undefined || nowMicros > this.previousMicros) {
			this.previousPackets = packets;
			this.previousBytes = bytes;
			this.previousMicros = nowMicros;
		}
	}
}
