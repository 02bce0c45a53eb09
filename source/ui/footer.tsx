// The last line: the keys that matter where the keys go now, or the filter being typed.
import {Text} from 'ink';
import type {MonitorState} from './monitor-store.js';
import {footerBindings, type KeyScope} from './key-map.js';

const scopeNames: Record<KeyScope, string> = {
	hosts: 'hosts',
	protocols: 'protocols',
	alerts: 'alerts',
	detail: 'detail',
	help: 'help',
};

export function Footer({state, scope}: {state: MonitorState; scope: KeyScope}) {
	if (state.filterEditing) {
		return (
			<Text wrap="truncate">
				<Text bold color="cyanBright">{'/ filter: '}</Text>
				{state.view.filter}
				<Text inverse> </Text>
				<Text dimColor>{'  Enter keep · Esc clear · matches address, name, protocol or role'}</Text>
			</Text>
		);
	}

	return (
		<Text wrap="truncate">
			<Text inverse>{` ${scopeNames[scope]} `}</Text>
			{footerBindings(scope, state.replay).map(binding => (
				<Text key={binding.command}>
					{' '}
					<Text bold color="cyanBright">{binding.keys.split(', ')[0]}</Text>
					<Text dimColor>{` ${binding.hint ?? ''}`}</Text>
				</Text>
			))}
		</Text>
	);
}
