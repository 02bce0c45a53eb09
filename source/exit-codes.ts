// Process exit codes, documented in README ("Exit codes").
export const exitCodes = {
	ok: 0,
	/** An unexpected internal failure (a bug): reported in one line, never a stack trace. */
	internal: 1,
	/** The input is not usable: a file that is neither pcap nor pcapng, a missing file, an unreadable stream. */
	badInput: 2,
	/** Live capture could not start: no permission, no such interface, no capture helper. */
	capture: 3,
	/** Output was lost: standard output or the --alerts file could not be written (full disk, missing directory, no permission). */
	output: 4,
	/** `minewatch view` has no terminal: none to draw on, or (`view -`) no /dev/tty to read keys from. */
	noTerminal: 5,
	/** Standard output was closed by its reader (`| head`): a quiet end, the code a shell shows for a tool killed by SIGPIPE (128 + 13). */
	closedPipe: 141,
	/** A wrong flag or flag value. */
	usage: 64,
} as const;

/**
 * The signals that stop a capture cleanly (alerts flushed, the terminal given back, the helper ended);
 * minewatch then ends by the same signal, so a shell shows 128 + its number (130, 143, 129) and a
 * script interrupted by Ctrl+C stops too, instead of taking the run for complete.
 */
export const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];
