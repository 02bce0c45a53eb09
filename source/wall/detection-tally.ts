// Alerts raised by detection, for the wall's bar chart: a record without `update` is an alert
// raised, so updates and repeat sightings (same id) add nothing, and no set of ids grows.
import {detections, type Alert, type Detection} from '../model/messages.js';

/** At most six characters: a bar chart's titles share its bars' columns. */
export const detectionTitles: Record<Detection, string> = {
	mining: 'mining',
	'mining-pool': 'pool',
	'mining-pool-lookup': 'lookup',
	'bitcoin-node': 'btc',
	'crypto-node': 'crypto',
};

export class DetectionTally {
	private readonly counts: Record<Detection, number> = {mining: 0, 'mining-pool': 0, 'mining-pool-lookup': 0, 'bitcoin-node': 0, 'crypto-node': 0};

	add(alert: Alert): void {
		if (alert.update) {
			return;
		}

		this.counts[alert.detection]++;
	}

	/** In the order of `detections`, ready for a bar chart. */
	bars(): {titles: string[]; data: number[]} {
		return {titles: detections.map(detection => detectionTitles[detection]), data: detections.map(detection => this.counts[detection])};
	}
}
