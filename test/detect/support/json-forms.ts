// The same JSON-RPC message as different emitters write it: compact (XMRig, ethminer), spaced
// (Claymore, Python pools) and with keys in another order.
export type JsonForm = 'compact' | 'spaced' | 'reordered';

export const jsonForms: readonly JsonForm[] = ['compact', 'spaced', 'reordered'];

export function line(message: Record<string, unknown>, form: JsonForm): string {
	switch (form) {
		case 'compact':
			return `${JSON.stringify(message)}\n`;
		case 'spaced':
			return `${JSON.stringify(message, null, 1).replace(/\n\s*/g, ' ')}\n`;
		case 'reordered':
			return `${JSON.stringify(Object.fromEntries(Object.entries(message).reverse()))}\n`;
	}
}
