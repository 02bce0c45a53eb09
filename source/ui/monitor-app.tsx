// The root component: reads the store, hands every key to it, follows the terminal size.
import {useSyncExternalStore} from 'react';
import {useInput, useStdin, useStdout} from 'ink';
import type {MonitorStore} from './monitor-store.js';
import {MonitorScreen} from './monitor-screen.js';
import {useTerminalSize} from './use-terminal-size.js';

export function MonitorApp({store}: {store: MonitorStore}) {
	const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
	const {isRawModeSupported} = useStdin();
	const {stdout} = useStdout();
	useTerminalSize(store, stdout);
	useInput((input, key) => {
		store.handleKey(input, key);
	}, {isActive: isRawModeSupported});
	return <MonitorScreen state={state} scope={store.scope()}/>;
}
