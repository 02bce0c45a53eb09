// Who minewatch runs as once its capture source is open. Started as root (by sudo, or with
// --user NAME), only the capture helper keeps capture rights: the main process and its worker
// thread (decoders, detectors, renderers, output) switch to the unprivileged user, as tcpdump -Z does.
import {readFileSync} from 'node:fs';
import {UsageError} from './options.js';

export interface UnprivilegedUser {
	uid: number;
	gid: number;
	/** The account name (tcpdump -Z takes a name); undefined when no passwd entry has the uid. */
	name?: string;
}

interface PasswdEntry {
	name: string;
	uid: number;
	gid: number;
}

function passwdEntries(): PasswdEntry[] {
	let text: string;
	try {
		text = readFileSync('/etc/passwd', 'utf8');
	} catch {
		return [];
	}

	return text.split('\n').filter(line => line !== '' && !line.startsWith('#')).map(line => {
		const [name = '', , uid = '', gid = ''] = line.split(':');
		return {name, uid: Number(uid), gid: Number(gid)};
	});
}

function wholeNumber(text: string | undefined): number | undefined {
	return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * The user to switch to, or undefined to stay as started: `--user NAME` (a name or uid in
 * /etc/passwd), else sudo's invoking user (SUDO_UID, SUDO_GID), when running as root; nobody to
 * switch to when minewatch was not started as root.
 */
export function unprivilegedUser(userFlag: string | undefined, environment: NodeJS.ProcessEnv = process.env): UnprivilegedUser | undefined {
	const root = process.getuid?.() === 0;
	if (userFlag !== undefined) {
		if (!root) {
			throw new UsageError('--user needs minewatch started as root (it names who to switch to after opening the capture)');
		}

		const entry = passwdEntries().find(candidate => candidate.name === userFlag || String(candidate.uid) === userFlag);
		if (entry === undefined) {
			throw new UsageError(`--user ${userFlag}: no such user in /etc/passwd`);
		}

		return entry;
	}

	const uid = wholeNumber(environment['SUDO_UID']);
	const gid = wholeNumber(environment['SUDO_GID']);
	if (!root || uid === undefined || gid === undefined || uid === 0) {
		return undefined;
	}

	const names = passwdEntries().filter(entry => entry.uid === uid).map(entry => entry.name);
	const sudoUser = environment['SUDO_USER'];
	return {uid, gid, name: sudoUser !== undefined && names.includes(sudoUser) ? sudoUser : names[0]};
}

/** Supplementary groups first (they need root), then the group, then the user: the order that leaves none of root's. */
export function switchToUser(user: UnprivilegedUser): void {
	process.setgroups!([]);
	process.setgid!(user.gid);
	process.setuid!(user.uid);
}
