// Feeds the terminal size to the store, now and on every resize. A stream without a row count
// (a test double) leaves the store's size alone.
import {useEffect} from 'react';
import type {MonitorStore} from './monitor-store.js';

export function useTerminalSize(store: MonitorStore, stdout: NodeJS.WriteStream): void {
	useEffect(() => {
		const apply = (): void => {
			const {columns, rows} = stdout;
			if (typeof columns === 'number' && typeof rows === 'number' && columns > 0 && rows > 0) {
				store.resize({columns, rows});
			}
		};

		apply();
		stdout.on('resize', apply);
		return () => {
			stdout.off('resize', apply);
		};
	}, [store, stdout]);
}
