// CPU time as Linux accounts it per thread (/proc/self/task/TID/stat), for benches that must tell
// the thread running JavaScript from the process's other threads (V8's compiler and GC helpers,
// libuv's file reads, a capture worker).
import {readFileSync} from 'node:fs';

/** CPU seconds (user and system) of the process's main thread alone. */
export function mainThreadCpuSeconds(): number {
	const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	// utime and stime, fields 14 and 15 of the whole line, in clock ticks of 1/100 s.
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user and system) of every thread of the process so far. */
export function processCpuSeconds(): number {
	const usage = process.resourceUsage();
	return (usage.userCPUTime + usage.systemCPUTime) / 1e6;
}
