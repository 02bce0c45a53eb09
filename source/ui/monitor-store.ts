// The UI's one store. Worker messages are queued and applied at most every `refreshMilliseconds`
// (a throttled notify for useSyncExternalStore), so the render rate is independent of the message
// rate; key commands apply at once. The store owns the host-table view and tells the worker about
// every change, because the worker sorts, filters and windows the hosts, never the UI thread.
import {
	defaultHostView,
	hostSortKeys,
	type End,
	type HostView,
	type Summary,
	type WorkerMessage,
} from '../model/messages.js';
import type {Key} from 'ink';
import {systemClock, type Clock} from '../model/clock.js';
import type {MonitorConnection} from '../model/monitor-connection.js';
import type {AlertEntry} from '../view/alert-ring.js';
import {MessageIntake, type LatestData} from '../view/message-intake.js';
import {clampIndex, followSelection, moveSelection, type Movement} from '../view/selection.js';
import {RateHistory, type RateMetric} from '../view/rate-history.js';
import {computeLayout, type Layout, type PaneContent, type TerminalSize} from '../view/layout.js';
import {resolveCommand, type Command, type KeyScope} from './key-map.js';
import {buildDetailLines} from './detail-lines.js';
import {buildHelpLines} from './help-lines.js';
import {scrubControls} from '../view/display-text.js';

export type Pane = 'hosts' | 'protocols' | 'alerts';
export const panes: readonly Pane[] = ['hosts', 'protocols', 'alerts'];

export type ExitReason = 'quit' | 'worker-error';

export interface MonitorState {
	readonly size: TerminalSize;
	readonly layout: Layout;
	readonly replay: boolean;
	/** The summary on screen (frozen while the display is paused). */
	readonly summary: Summary | undefined;
	/** The alerts on screen, newest first. */
	readonly alerts: readonly AlertEntry[];
	/** Mutable; `historyVersion` changes whenever it does. */
	readonly history: RateHistory;
	readonly historyVersion: number;
	readonly focus: Pane;
	readonly view: HostView;
	/** Index of the selected host among all hosts matching the filter. */
	readonly selectedHost: number;
	readonly selectedAlert: number;
	readonly alertOffset: number;
	readonly filterEditing: boolean;
	readonly helpOpen: boolean;
	readonly helpScroll: number;
	readonly detailScroll: number;
	readonly displayPaused: boolean;
	/** Messages received while the display was paused. */
	readonly heldUpdates: number;
	readonly metric: RateMetric;
	readonly speed: number | 'max';
	readonly end: End | undefined;
}

type StateChange = {-readonly [Field in keyof MonitorState]?: MonitorState[Field]};

export interface MonitorStoreOptions {
	replay: boolean;
	speed: number | 'max';
	size: TerminalSize;
	/** Longest wait between a worker message and the render showing it. */
	refreshMilliseconds?: number;
	/** What refreshes run on; default the system's clock. */
	clock?: Clock;
	alertCapacity?: number;
}

// 2 Hz: a full 200×60 Ink frame costs tens of milliseconds on the project's machines, and the
// ui-notes decision is tables at 1–2 Hz. Keys still render at once.
export const defaultRefreshMilliseconds = 500;
export const speedSteps: ReadonlyArray<number | 'max'> = [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 'max'];
const filterMaximumLength = 64;

function speedValue(speed: number | 'max'): number {
	return speed === 'max' ? Number.POSITIVE_INFINITY : speed;
}

export function nextSpeed(current: number | 'max', direction: 1 | -1): number | 'max' {
	const value = speedValue(current);
	if (direction === 1) {
		return speedSteps.find(step => speedValue(step) > value) ?? 'max';
	}

	return [...speedSteps].reverse().find(step => speedValue(step) < value) ?? speedSteps[0]!;
}

const noKey: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
};

/** The key Ink would have reported for one character typed on its own. */
function keyOf(character: string): Key {
	return {
		...noKey,
		return: character === '\r' || character === '\n',
		tab: character === '\t',
		backspace: character === '\b',
		delete: character === '\u007F',
		shift: /[A-Z]/.test(character),
	};
}

function sameLayout(a: Layout, b: Layout): boolean {
	return a.tooSmall === b.tooSmall && a.width === b.width && a.height === b.height && a.hostRows === b.hostRows
		&& a.alertRows === b.alertRows && a.sparklineColumns === b.sparklineColumns;
}

function sameView(a: HostView | undefined, b: HostView): boolean {
	return a !== undefined && a.sort === b.sort && a.reverse === b.reverse && a.filter === b.filter
		&& a.offset === b.offset && a.limit === b.limit && a.detailHost === b.detailHost;
}

export class MonitorStore {
	private state: MonitorState;
	private readonly listeners = new Set<() => void>();
	private readonly exitListeners = new Set<(reason: ExitReason) => void>();
	private readonly intake: MessageIntake;
	private readonly refreshMilliseconds: number;
	private readonly clock: Clock;
	private cancelFlush: (() => void) | undefined;
	private lastFlush = Number.NEGATIVE_INFINITY;
	private lastSentView: HostView | undefined;
	private viewAnswerPending = false;
	private speedRequestedAt = Number.NEGATIVE_INFINITY;
	private exitReason: ExitReason | undefined;
	private unsubscribe: (() => void) | undefined;

	constructor(private readonly connection: MonitorConnection, options: MonitorStoreOptions) {
		this.intake = new MessageIntake(options.alertCapacity);
		this.refreshMilliseconds = options.refreshMilliseconds ?? defaultRefreshMilliseconds;
		this.clock = options.clock ?? systemClock;
		const layout = computeLayout(options.size);
		this.state = {
			size: options.size,
			layout,
			replay: options.replay,
			summary: undefined,
			alerts: [],
			history: this.intake.history,
			historyVersion: 0,
			focus: 'hosts',
			view: defaultHostView(layout.hostRows),
			selectedHost: 0,
			selectedAlert: 0,
			alertOffset: 0,
			filterEditing: false,
			helpOpen: false,
			helpScroll: 0,
			detailScroll: 0,
			displayPaused: false,
			heldUpdates: 0,
			metric: 'bytes',
			speed: options.speed,
			end: undefined,
		};
	}

	/** Subscribes to the connection and asks the worker for the first window of hosts. */
	start(): void {
		this.unsubscribe ??= this.connection.onMessage(message => {
			this.receive(message);
		});
		this.sendView();
	}

	dispose(): void {
		this.unsubscribe?.();
		this.unsubscribe = undefined;
		this.cancelFlush?.();
		this.cancelFlush = undefined;
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	readonly getSnapshot = (): MonitorState => this.state;

	onExit(listener: (reason: ExitReason) => void): () => void {
		this.exitListeners.add(listener);
		return () => {
			this.exitListeners.delete(listener);
		};
	}

	/** Everything received so far, including what a paused display holds back. */
	get latest(): LatestData {
		return this.intake.latest;
	}

	receive(message: WorkerMessage): void {
		this.intake.receive(message);
		switch (message.type) {
			case 'summary': {
				if (this.viewAnswerPending) {
					this.flush();
				} else {
					this.scheduleFlush();
				}

				break;
			}

			case 'alert': {
				this.scheduleFlush();
				break;
			}

			case 'end': {
				this.flush();
				this.update({end: message});
				break;
			}

			case 'error': {
				this.requestExit('worker-error');
				break;
			}
		}
	}

	scope(): KeyScope {
		if (this.state.helpOpen) {
			return 'help';
		}

		return this.state.view.detailHost === undefined ? this.state.focus : 'detail';
	}

	/** Routes one key press: to the filter being typed, or through the key table. */
	handleKey(input: string, key: Key): void {
		if (input.length > 1 && !key.ctrl && !key.meta) {
			// Keys typed faster than the terminal is read arrive as one chunk ("jj\r"); each counts.
			for (const character of input) {
				this.handleKey(character, keyOf(character));
			}

			return;
		}

		if (this.state.filterEditing && !(input === 'c' && key.ctrl)) {
			this.editFilter(input, key);
			return;
		}

		const command = resolveCommand(input, key, this.scope(), this.state.replay);
		if (command) {
			this.command(command);
		}
	}

	command(command: Command): void {
		switch (command) {
			case 'quit': {
				this.requestExit('quit');
				break;
			}

			case 'help': {
				this.update({helpOpen: !this.state.helpOpen, helpScroll: 0});
				break;
			}

			case 'nextPane':
			case 'previousPane': {
				const index = panes.indexOf(this.state.focus) + (command === 'nextPane' ? 1 : -1);
				this.update({focus: panes[(index + panes.length) % panes.length]!});
				break;
			}

			case 'up':
			case 'down':
			case 'pageUp':
			case 'pageDown':
			case 'top':
			case 'bottom': {
				this.move(command);
				break;
			}

			case 'sort': {
				const next = hostSortKeys[(hostSortKeys.indexOf(this.state.view.sort) + 1) % hostSortKeys.length]!;
				this.changeView({sort: next, offset: 0}, 0);
				break;
			}

			case 'reverse': {
				this.changeView({reverse: !this.state.view.reverse, offset: 0}, 0);
				break;
			}

			case 'filter': {
				this.update({filterEditing: true, focus: 'hosts'});
				break;
			}

			case 'back': {
				this.back();
				break;
			}

			case 'details': {
				this.openDetails();
				break;
			}

			case 'pause': {
				this.togglePause();
				break;
			}

			case 'acknowledge': {
				this.toggleAcknowledged();
				break;
			}

			case 'metric': {
				this.update({metric: this.state.metric === 'bytes' ? 'packets' : 'bytes'});
				break;
			}

			case 'faster':
			case 'slower': {
				const speed = nextSpeed(this.state.speed, command === 'faster' ? 1 : -1);
				this.speedRequestedAt = this.clock.now();
				this.connection.send({type: 'speed', speed});
				this.update({speed});
				break;
			}

			case 'replayPause': {
				this.connection.send({type: this.intake.summary?.paused ? 'resume' : 'pause'});
				break;
			}
		}
	}

	resize(size: TerminalSize): void {
		if (size.columns === this.state.size.columns && size.rows === this.state.size.rows) {
			return;
		}

		this.update({size});
	}

	private requestExit(reason: ExitReason): void {
		if (this.exitReason !== undefined) {
			return;
		}

		this.exitReason = reason;
		for (const listener of this.exitListeners) {
			listener(reason);
		}
	}

	private editFilter(input: string, key: Key): void {
		if (key.return) {
			this.update({filterEditing: false});
			return;
		}

		if (key.escape) {
			this.update({filterEditing: false});
			this.changeView({filter: '', offset: 0}, 0);
			return;
		}

		const {filter} = this.state.view;
		if (key.backspace || key.delete) {
			this.changeView({filter: [...filter].slice(0, -1).join(''), offset: 0}, 0);
			return;
		}

		if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab || input === '') {
			return;
		}

		const typed = scrubControls(input).replaceAll('\ufffd', '');
		if (typed !== '') {
			this.changeView({filter: (filter + typed).slice(0, filterMaximumLength), offset: 0}, 0);
		}
	}

	private back(): void {
		if (this.state.helpOpen) {
			this.update({helpOpen: false});
		} else if (this.state.view.detailHost !== undefined) {
			this.changeView({detailHost: undefined}, this.state.selectedHost);
		} else if (this.state.view.filter !== '') {
			this.changeView({filter: '', offset: 0}, 0);
		}
	}

	private openDetails(): void {
		let address: string | undefined;
		if (this.state.focus === 'hosts') {
			address = this.state.summary?.hosts[this.state.selectedHost - this.state.view.offset]?.address;
		} else if (this.state.focus === 'alerts') {
			address = this.state.alerts[this.state.selectedAlert]?.alert.host;
		}

		if (address !== undefined) {
			this.update({detailScroll: 0});
			this.changeView({detailHost: address}, this.state.selectedHost);
		}
	}

	private togglePause(): void {
		if (this.state.displayPaused) {
			this.update({displayPaused: false, heldUpdates: 0});
			this.flush();
		} else {
			this.intake.settle();
			this.update({displayPaused: true, heldUpdates: 0});
		}
	}

	private toggleAcknowledged(): void {
		const entry = this.state.alerts[this.state.selectedAlert];
		if (entry === undefined) {
			return;
		}

		this.intake.toggleAcknowledged(entry.alert.id);
		const alerts = this.state.alerts.map(candidate => candidate === entry ? {...candidate, acknowledged: !entry.acknowledged} : candidate);
		this.update({alerts});
	}

	private move(command: Movement): void {
		const scope = this.scope();
		const {layout} = this.state;
		const page = scope === 'alerts' ? layout.alertRows : (scope === 'hosts' ? layout.hostRows : layout.bodyLines);
		const target = (current: number, count: number): number => moveSelection(current, count, command, page);

		switch (scope) {
			case 'hosts': {
				const count = this.state.summary?.hostsMatched ?? 0;
				if (count > 0) {
					this.changeView({}, target(this.state.selectedHost, count));
				}

				break;
			}

			case 'alerts': {
				const count = this.state.alerts.length;
				if (count > 0) {
					this.selectAlert(target(this.state.selectedAlert, count));
				}

				break;
			}

			case 'detail': {
				const address = this.state.view.detailHost ?? '';
				const lines = buildDetailLines(address, this.state.summary, this.state.alerts, layout.width).length;
				const scrollable = Math.max(1, lines - layout.bodyLines + 2);
				this.update({detailScroll: target(this.state.detailScroll, scrollable)});
				break;
			}

			case 'help': {
				const scrollable = Math.max(1, buildHelpLines(this.state.replay).length - layout.bodyLines + 2);
				this.update({helpScroll: target(this.state.helpScroll, scrollable)});
				break;
			}

			case 'protocols': {
				break;
			}
		}
	}

	private selectAlert(index: number): void {
		this.update({selectedAlert: index, alertOffset: followSelection(index, this.state.alertOffset, this.state.layout.alertRows)});
	}

	/** Applies a view change with the host selection it implies, and tells the worker if it differs. */
	private changeView(change: Partial<HostView>, selectedHost: number): void {
		const view: HostView = {...this.state.view, ...change};
		if ('detailHost' in change && change.detailHost === undefined) {
			delete view.detailHost;
		}

		const matched = this.state.summary?.hostsMatched;
		const limit = Math.max(1, view.limit);
		const selected = matched === undefined ? Math.max(0, selectedHost) : clampIndex(selectedHost, matched);
		let offset = followSelection(selected, view.offset, limit);
		if (matched !== undefined) {
			offset = Math.max(0, Math.min(offset, matched - limit));
		}

		view.offset = offset;
		this.update({view, selectedHost: selected});
		this.sendView();
	}

	private sendView(): void {
		const {view} = this.state;
		if (sameView(this.lastSentView, view)) {
			return;
		}

		this.lastSentView = view;
		this.viewAnswerPending = true;
		this.connection.send({type: 'view', view: {...view}});
	}

	private scheduleFlush(): void {
		if (this.cancelFlush) {
			return;
		}

		const wait = Math.max(0, this.lastFlush + this.refreshMilliseconds - this.clock.now());
		this.cancelFlush = this.clock.wakeAfter(wait, () => {
			this.cancelFlush = undefined;
			this.flush();
		});
	}

	private flush(): void {
		this.cancelFlush?.();
		this.cancelFlush = undefined;
		this.lastFlush = this.clock.now();
		const answersView = this.viewAnswerPending && this.intake.summaryPending;
		const applied = this.intake.settle();
		const summary = this.intake.summary;
		if (answersView) {
			this.viewAnswerPending = false;
		}

		if (this.state.displayPaused) {
			const change: StateChange = {heldUpdates: this.state.heldUpdates + applied};
			if (answersView && summary && this.state.summary) {
				change.summary = {...this.state.summary, hosts: summary.hosts, hostsMatched: summary.hostsMatched, detail: summary.detail};
			}

			this.update(change);
			return;
		}

		if (applied === 0 && summary === this.state.summary && this.intake.alerts === this.state.alerts) {
			return;
		}

		this.show(summary);
	}

	private show(summary: Summary | undefined): void {
		const change: StateChange = {summary, alerts: this.intake.alerts};
		if (summary !== undefined && summary !== this.state.summary) {
			if (this.intake.settleHistory()) {
				change.historyVersion = this.state.historyVersion + 1;
			}

			if (this.clock.now() - this.speedRequestedAt > 1000) {
				change.speed = summary.speed;
			}
		}

		const {alerts} = change;
		if (alerts !== undefined && alerts !== this.state.alerts) {
			const selectedId = this.state.alerts[this.state.selectedAlert]?.alert.id;
			const followNewest = this.state.selectedAlert === 0;
			const kept = followNewest ? 0 : alerts.findIndex(entry => entry.alert.id === selectedId);
			const selectedAlert = clampIndex(kept, alerts.length);
			change.selectedAlert = selectedAlert;
			change.alertOffset = followSelection(selectedAlert, this.state.alertOffset, this.state.layout.alertRows);
		}

		this.update(change);
		if (summary !== undefined) {
			const matched = summary.hostsMatched;
			const {view, selectedHost} = this.state;
			if ((matched > 0 && selectedHost >= matched) || view.offset > Math.max(0, matched - view.limit)) {
				this.changeView({}, selectedHost);
			}
		}
	}

	private update(change: StateChange): void {
		this.state = {...this.state, ...change};
		const layout = computeLayout(this.state.size, this.paneContent());
		if (!sameLayout(layout, this.state.layout)) {
			const {selectedAlert, alertOffset} = this.state;
			const offset = Math.min(alertOffset, selectedAlert, Math.max(0, this.state.alerts.length - layout.alertRows));
			this.state = {...this.state, layout, alertOffset: Math.max(offset, selectedAlert - layout.alertRows + 1)};
		}

		// The window of hosts follows the table's rows; that change notifies the listeners itself.
		if (this.state.view.limit !== this.state.layout.hostRows) {
			this.changeView({limit: this.state.layout.hostRows}, this.state.selectedHost);
			return;
		}

		for (const listener of this.listeners) {
			listener();
		}
	}

	/** What the panes would show at full length; unknown until the first summary. */
	private paneContent(): PaneContent | undefined {
		const {summary, alerts} = this.state;
		return summary === undefined ? undefined : {hosts: summary.hostsMatched, alerts: alerts.length};
	}
}
