// The whole frame for one state: never taller than the layout's height (rows − 1).
import {Box} from 'ink';
import type {MonitorState} from './monitor-store.js';
import type {KeyScope} from './key-map.js';
import {StatusBar} from './status-bar.js';
import {HostTable} from './host-table.js';
import {ProtocolSparklines} from './protocol-sparklines.js';
import {AlertPane} from './alert-pane.js';
import {HostDetail} from './host-detail.js';
import {HelpOverlay} from './help-overlay.js';
import {Footer} from './footer.js';
import {TooSmall} from './too-small.js';

function Body({state}: {state: MonitorState}) {
	if (state.helpOpen) {
		return <HelpOverlay state={state}/>;
	}

	if (state.view.detailHost !== undefined) {
		return <HostDetail state={state}/>;
	}

	return (
		<>
			<HostTable state={state}/>
			<ProtocolSparklines state={state}/>
			<AlertPane state={state}/>
		</>
	);
}

export function MonitorScreen({state, scope}: {state: MonitorState; scope: KeyScope}) {
	const {layout} = state;
	if (layout.tooSmall) {
		return <TooSmall size={state.size}/>;
	}

	return (
		<Box flexDirection="column" width={layout.width} height={layout.height}>
			<StatusBar state={state}/>
			<Box flexDirection="column" height={layout.bodyLines}>
				<Body state={state}/>
			</Box>
			<Footer state={state} scope={scope}/>
		</Box>
	);
}
