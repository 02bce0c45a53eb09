// The command-line flags, in one place: the CLI parses them and a test checks README documents each.
export const cliFlags = {
	read: {type: 'string', shortFlag: 'r'},
	interface: {type: 'string', shortFlag: 'i'},
	filter: {type: 'string', shortFlag: 'f'},
	listInterfaces: {type: 'boolean', default: false},
	snaplen: {type: 'string'},
	capture: {type: 'string'},
	user: {type: 'string'},
	speed: {type: 'string'},
	loop: {type: 'boolean', default: false},
	count: {type: 'string'},
	duration: {type: 'string'},
	interval: {type: 'string'},
	json: {type: 'boolean', default: false},
	wall: {type: 'boolean', default: false},
	alerts: {type: 'string'},
	homeNet: {type: 'string'},
	allow: {type: 'string', isMultiple: true},
	pools: {type: 'string'},
	flowCap: {type: 'string'},
	hostCap: {type: 'string'},
	payloadBytes: {type: 'string'},
	top: {type: 'string'},
} as const;

const knownNames = new Set<string>(['help', 'version']);
for (const [name, definition] of Object.entries(cliFlags)) {
	knownNames.add(name);
	if ('shortFlag' in definition) knownNames.add(definition.shortFlag);
}

function kebabCase(name: string): string {
	return name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

/**
 * The first flag the parser found that minewatch does not know, written as it was typed (`-x`,
 * `--frob`): the parser only gives its name, so the arguments are searched for it.
 */
export function unknownFlag(parsed: Record<string, unknown>, argv: readonly string[]): string | undefined {
	const name = Object.keys(parsed).find(key => !knownNames.has(key));
	if (name === undefined) return undefined;
	// The parser camel-cases `--foo-bar`, `--Foo-Bar` and `--fooBar` alike, and takes `--no-` as negation.
	const looseName = (text: string): string => text.replace(/^no-/, '').replaceAll('-', '').toLowerCase();
	for (const token of argv) {
		if (token === '--') break;
		const flag = token.split('=', 1)[0]!;
		if (flag.startsWith('--') && looseName(flag.slice(2)) === looseName(name)) return flag;
		if (name.length === 1 && /^-[^-]/.test(token) && token.slice(1).includes(name)) return `-${name}`;
	}

	return `--${kebabCase(name)}`;
}
