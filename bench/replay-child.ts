// Runs bench/replay-once.js in a child process of its own (so its peak RSS and CPU are its alone)
// and reads back its one JSON line.
import {spawn, spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

export interface Replay {
	seconds: number;
	peakRssMiB?: number;
	/** Packets that reached the pipeline (a shard's own, when sharded). */
	packets: number;
	flows: number;
	alerts: number;
	sustainedPackets: number;
	sustainedSeconds: number;
	/** Every thread of the child, and its main thread alone. */
	cpuSeconds: number;
	mainCpuSeconds: number;
}

export type ReplayMode = 'detect' | 'flows';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'replay-once.js');

function replayArguments(file: string, mode: ReplayMode, warmupPackets: number, shard: string): string[] {
	return [script, file, mode, String(warmupPackets), shard];
}

export function replayOnce(file: string, mode: ReplayMode, warmupPackets = 0, shard = '0/1'): Replay {
	const result = spawnSync(process.execPath, replayArguments(file, mode, warmupPackets, shard), {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`replay-once ${mode} failed: ${result.stderr}`);
	}

	return JSON.parse(result.stdout) as Replay;
}

/** The same without blocking, so several replays can run at once. */
export async function startReplay(file: string, mode: ReplayMode, shard: string): Promise<Replay> {
	const child = spawn(process.execPath, replayArguments(file, mode, 0, shard), {stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
	});
	child.stderr.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	const status = await new Promise<number | null>(resolve => {
		child.on('close', resolve);
	});
	if (status !== 0) {
		throw new Error(`replay-once ${mode} ${shard} failed: ${stderr}`);
	}

	return JSON.parse(stdout) as Replay;
}
