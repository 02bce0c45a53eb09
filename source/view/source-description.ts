// The capture source in a few words: interface and filter, file name, or standard input.
import type {SourceInfo} from '../model/messages.js';

export function describeSource(source: SourceInfo): string {
	const helper = source.captureHelper ? ` via ${source.captureHelper}` : '';
	const filter = source.filter ? ` filter "${source.filter}"` : '';
	switch (source.kind) {
		case 'live': {
			return `live ${source.name}${filter}${helper}`;
		}

		case 'stdin': {
			return `stdin${filter}`;
		}

		case 'file': {
			return `${source.name}${filter}`;
		}
	}
}
