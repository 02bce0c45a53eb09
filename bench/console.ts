// What every bench script needs from its surroundings: a line of output, and whether a peer program is installed.
import {spawnSync} from 'node:child_process';

export function log(line: string): void {
	process.stdout.write(line + '\n');
}

export function onPath(command: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0;
}
