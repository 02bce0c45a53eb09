// The last line: the keys that matter where the keys go now, or the filter being typed.
import type {MonitorState} from './monitor-store.js';
import {footerBindings, type KeyScope} from './key-map.js';
import {ScreenLine, type Segment} from './screen-line.js';

const scopeNames: Record<KeyScope, string> = {
	hosts: 'hosts',
	protocols: 'protocols',
	alerts: 'alerts',
	detail: 'detail',
	help: 'help',
};

function footerLine(state: MonitorState, scope: KeyScope): Segment[] {
	if (state.filterEditing) {
		return [
			{text: '/ filter: ', style: {bold: true, color: 'cyanBright'}},
			{text: state.view.filter},
			{text: ' ', style: {inverse: true}},
			{text: '  Enter keep · Esc clear · matches address, name, protocol or role', style: {dimColor: true}},
		];
	}

	return [
		{text: ` ${scopeNames[scope]} `, style: {inverse: true}},
		...footerBindings(scope, state.replay).flatMap((binding): Segment[] => [
			{text: ' '},
			{text: binding.keys.split(', ')[0] ?? '', style: {bold: true, color: 'cyanBright'}},
			{text: ` ${binding.hint ?? ''}`, style: {dimColor: true}},
		]),
	];
}

export function Footer({state, scope}: {state: MonitorState; scope: KeyScope}) {
	return <ScreenLine line={footerLine(state, scope)} width={state.layout.width}/>;
}
