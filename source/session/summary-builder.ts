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
	/** The last summary: the capture is over, so the traffic history's bucket still filling goes too. */
	final: boolean;
}

const detailFlowLimit = 50;

/** A point in capture time with the totals then: the rates of the next summary are measured from it. */
interface RateBase {
	micros: number;
	packets: number;
	bytes: number;
}

/** Packets/s to a tenth (a quiet link sends fewer than one a second), bits/s to a whole bit. */
function roundRates(packetsPerSecond: number, bitsPerSecond: number): NonNullable<Summary['rates']> {
	return {packetsPerSecond: Math.round(packetsPerSecond * 10) / 10, bitsPerSecond: Math.round(bitsPerSecond)};
}

export class SummaryBuilder {
	private base: RateBase | undefined;
	/** Undefined until capture time has moved on from the base: no rate can be measured over no time. */
	private rates: Summary['rates'];

	constructor(private readonly pipeline: TrafficPipeline, private readonly engine: DetectionEngine) {}

	/** Live capture time is the clock: the first rates count from the start, not from the first packet. */
	startClock(micros: number): void {
		this.base = {micros, packets: 0, bytes: 0};
	}

	build(context: SummaryContext): Summary {
		const {pipeline, engine} = this;
		const totals = {...pipeline.totals};
		const nowMicros = pipeline.lastTimestampMicros;
		this.updateRates(totals.packets, totals.bytes, nowMicros);
		return {
			type: 'summary',
			time: nowMicros === undefined ? undefined : captureTimeText(nowMicros),
			source: context.source,
			totals,
			rates: this.rates,
			flows: {active: pipeline.flows.active, evicted: pipeline.flows.evicted},
			hostsTracked: pipeline.hosts.size,
			hostsEvicted: pipeline.hosts.evicted,
			...this.hostWindow(context.view),
			protocols: pipeline.familyCounters(),
			history: pipeline.takeTrafficHistory(context.final),
			alertsOpen: engine.alertsOpen(),
			capture: context.capture,
			progress: context.progress,
			speed: context.speed,
			paused: context.paused,
		};
	}

	/** The view's window of hosts and its detail, from the tables as they are now. */
	hostWindow(view: HostView): Pick<Summary, 'hostsMatched' | 'hosts' | 'detail'> {
		const {pipeline, engine} = this;
		const decorate = (address: string) => engine.hostInfo(address);
		const table = pipeline.hosts.rows(view, decorate);
		let detail: Summary['detail'];
		if (view.detailHost !== undefined) {
			const host = pipeline.hosts.row(view.detailHost, decorate);
			if (host !== undefined) {
				const flows = pipeline.flows.flowsOf(view.detailHost, detailFlowLimit);
				detail = {
					host,
					liveFlows: flows.live,
					flows: flows.rows,
					peers: pipeline.hosts.peersOf(view.detailHost, decorate),
				};
			}
		}

		return {hostsMatched: table.matched, hosts: table.rows, detail};
	}

	private updateRates(packets: number, bytes: number, nowMicros: number | undefined): void {
		if (nowMicros === undefined) {
			return;
		}

		const base = this.base;
		if (base === undefined) {
			// The first packet's own bytes came in no measurable time: they are the base, not part of a rate.
			this.base = {micros: nowMicros, packets, bytes};
			return;
		}

		if (nowMicros > base.micros) {
			const seconds = (nowMicros - base.micros) / 1e6;
			this.rates = roundRates((packets - base.packets) / seconds, (8 * (bytes - base.bytes)) / seconds);
			this.base = {micros: nowMicros, packets, bytes};
		} else if (packets === base.packets && this.rates !== undefined) {
			this.rates = roundRates(0, 0);
		}
	}
}
