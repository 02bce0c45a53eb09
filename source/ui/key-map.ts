// The one key table: it resolves key presses to commands, and the help overlay and the footer
// are generated from it, so what is documented is what is handled.
import type {Key} from 'ink';

export type Command =
	| 'quit'
	| 'help'
	| 'nextPane'
	| 'previousPane'
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'top'
	| 'bottom'
	| 'sort'
	| 'reverse'
	| 'filter'
	| 'back'
	| 'details'
	| 'pause'
	| 'acknowledge'
	| 'metric'
	| 'faster'
	| 'slower'
	| 'replayPause';

/** Where keys go: a focused pane, or a view laid over the panes. */
export type KeyScope = 'hosts' | 'protocols' | 'alerts' | 'detail' | 'help';

type NamedKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

export interface KeyChord {
	input?: string;
	key?: NamedKey;
	ctrl?: true;
	shift?: true;
}

export interface KeyBinding {
	command: Command;
	chords: readonly KeyChord[];
	/** The keys as the help overlay and footer print them. */
	keys: string;
	description: string;
	/** Scopes where the binding applies; absent means everywhere. */
	scopes?: readonly KeyScope[];
	replayOnly?: true;
	/** The footer's short word for it; bindings without one stay out of the footer. */
	hint?: string;
}

const listScopes: readonly KeyScope[] = ['hosts', 'alerts', 'detail', 'help'];
const paneScopes: readonly KeyScope[] = ['hosts', 'protocols', 'alerts'];

export const keyBindings: readonly KeyBinding[] = [
	{command: 'quit', chords: [{input: 'q'}, {input: 'c', ctrl: true}], keys: 'q, Ctrl+C', description: 'quit', hint: 'quit'},
	{command: 'help', chords: [{input: '?'}], keys: '?', description: 'help', hint: 'help'},
	{command: 'nextPane', chords: [{key: 'tab'}], keys: 'Tab', description: 'next pane', scopes: paneScopes, hint: 'pane'},
	{command: 'previousPane', chords: [{key: 'tab', shift: true}], keys: 'Shift+Tab', description: 'previous pane', scopes: paneScopes},
	{command: 'up', chords: [{key: 'upArrow'}, {input: 'k'}], keys: '↑, k', description: 'move up', scopes: listScopes},
	{command: 'down', chords: [{key: 'downArrow'}, {input: 'j'}], keys: '↓, j', description: 'move down', scopes: listScopes, hint: 'move'},
	{command: 'pageUp', chords: [{key: 'pageUp'}], keys: 'PgUp', description: 'page up', scopes: listScopes},
	{command: 'pageDown', chords: [{key: 'pageDown'}], keys: 'PgDn', description: 'page down', scopes: listScopes},
	{command: 'top', chords: [{input: 'g'}, {key: 'home'}], keys: 'g, Home', description: 'first', scopes: listScopes},
	{command: 'bottom', chords: [{input: 'G'}, {key: 'end'}], keys: 'G, End', description: 'last', scopes: listScopes},
	{command: 'sort', chords: [{input: 's'}], keys: 's', description: 'sort column', scopes: ['hosts'], hint: 'sort'},
	{command: 'reverse', chords: [{input: 'r'}], keys: 'r', description: 'reverse sort', scopes: ['hosts'], hint: 'reverse'},
	{command: 'filter', chords: [{input: '/'}], keys: '/', description: 'filter hosts', scopes: ['hosts'], hint: 'filter'},
	{command: 'details', chords: [{key: 'return'}], keys: 'Enter', description: 'details', scopes: ['hosts', 'alerts'], hint: 'details'},
	{command: 'acknowledge', chords: [{input: 'a'}], keys: 'a', description: 'acknowledge alert (again: undo)', scopes: ['alerts'], hint: 'ack'},
	{command: 'metric', chords: [{input: 'm'}], keys: 'm', description: 'bytes / packets', scopes: ['protocols'], hint: 'bytes/pkts'},
	{command: 'back', chords: [{key: 'escape'}], keys: 'Esc', description: 'back, clear filter', hint: 'back'},
	{command: 'pause', chords: [{input: ' '}], keys: 'Space', description: 'pause display', hint: 'pause'},
	{command: 'faster', chords: [{input: '+'}, {input: '='}], keys: '+', description: 'replay faster', replayOnly: true, hint: 'faster'},
	{command: 'slower', chords: [{input: '-'}], keys: '-', description: 'replay slower', replayOnly: true, hint: 'slower'},
	{command: 'replayPause', chords: [{input: 'p'}], keys: 'p', description: 'pause / resume replay', replayOnly: true},
];

function matches(chord: KeyChord, input: string, key: Key): boolean {
	if (Boolean(chord.ctrl) !== key.ctrl) {
		return false;
	}

	if (chord.key !== undefined) {
		return key[chord.key] && Boolean(chord.shift) === key.shift;
	}

	return input === chord.input;
}

function applies(binding: KeyBinding, scope: KeyScope, replay: boolean): boolean {
	return (binding.scopes === undefined || binding.scopes.includes(scope)) && (replay || !binding.replayOnly);
}

export function resolveCommand(input: string, key: Key, scope: KeyScope, replay: boolean): Command | undefined {
	for (const binding of keyBindings) {
		if (applies(binding, scope, replay) && binding.chords.some(chord => matches(chord, input, key))) {
			return binding.command;
		}
	}

	return undefined;
}

export function footerBindings(scope: KeyScope, replay: boolean): KeyBinding[] {
	return keyBindings.filter(binding => binding.hint !== undefined && applies(binding, scope, replay));
}

export interface HelpSection {
	title: string;
	bindings: KeyBinding[];
}

const helpGroups: ReadonlyArray<{title: string; belongs: (binding: KeyBinding) => boolean}> = [
	{title: 'Everywhere', belongs: binding => binding.scopes === undefined && !binding.replayOnly},
	{title: 'Panes and lists', belongs: binding => binding.scopes === paneScopes || binding.scopes === listScopes},
	{title: 'Host table', belongs: binding => binding.scopes?.[0] === 'hosts' && binding.scopes !== paneScopes && binding.scopes !== listScopes},
	{title: 'Alerts and protocols', belongs: binding => binding.scopes?.[0] === 'alerts' || binding.scopes?.[0] === 'protocols'},
	{title: 'Replay', belongs: binding => binding.replayOnly === true},
];

export function helpSections(replay: boolean): HelpSection[] {
	return helpGroups
		.map(group => ({title: group.title, bindings: keyBindings.filter(binding => group.belongs(binding) && (replay || !binding.replayOnly))}))
		.filter(section => section.bindings.length > 0);
}
