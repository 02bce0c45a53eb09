// Runs the built minewatch CLI as a user would and parses what it printed.
import {spawn} from 'node:child_process';
import type {Alert, End, WorkerMessage} from '../../source/model/messages.js';
import {cliPath, repositoryRoot} from './repository.js';

export interface CliRun {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	messages: WorkerMessage[];
	/** One per alert id, later updates applied. */
	alerts: Alert[];
	end: End | undefined;
}

export interface CliRunOptions {
	input?: Buffer;
	timeoutMs?: number;
	/** Called once the process is running (e.g. to send it a signal). */
	started?: (child: ReturnType<typeof spawn>) => void;
	environment?: NodeJS.ProcessEnv;
	/** Run as this user and group (needs root), e.g. to meet a permission error root would not. */
	identity?: {uid: number; gid: number};
}

export function parseNdjson(stdout: string): Pick<CliRun, 'messages' | 'alerts' | 'end'> {
	const messages = stdout.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as WorkerMessage);
	const alerts = new Map<string, Alert>();
	for (const message of messages) {
		if (message.type === 'alert') {
			alerts.set(message.id, {...alerts.get(message.id), ...message});
		}
	}

	const end = messages.find((message): message is End => message.type === 'end');
	return {messages, alerts: [...alerts.values()], end};
}

export async function runCli(arguments_: string[], options: CliRunOptions = {}): Promise<CliRun> {
	const child = spawn(process.execPath, [cliPath, ...arguments_], {cwd: repositoryRoot, env: options.environment ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], ...options.identity});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
	child.stdin.on('error', () => {});
	child.stdin.end(options.input);
	const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
	options.started?.(child);
	const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => {
		child.on('close', (code, closeSignal) => resolve([code, closeSignal]));
	});
	clearTimeout(timer);
	const text = Buffer.concat(stdout).toString('utf8');
	return {exitCode, signal, stdout: text, stderr: Buffer.concat(stderr).toString('utf8'), ...parseNdjson(text)};
}
