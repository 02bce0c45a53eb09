// What one host exchanged with one peer; a flow keeps the two tallies of its endpoints so each
// packet adds to them without a lookup.

export interface PeerTally {
	readonly address: string;
	readonly internal: boolean;
	flows: number;
	bytes: number;
}
