// An intrusive doubly-linked list ordered by last use: move-to-front and drop-oldest in O(1),
// with the links stored on the entries themselves so touching an entry allocates nothing.

export interface LruEntry<T extends LruEntry<T>> {
	newer: T | undefined;
	older: T | undefined;
	list: LruList<T> | undefined;
}

export class LruList<T extends LruEntry<T>> {
	newest: T | undefined;
	oldest: T | undefined;
	size = 0;

	/** Makes `entry` the newest, taking it out of whatever list held it. */
	touch(entry: T): void {
		if (entry.list === this && this.newest === entry) return;
		entry.list?.remove(entry);
		entry.older = this.newest;
		entry.newer = undefined;
		if (this.newest) this.newest.newer = entry;
		else this.oldest = entry;
		this.newest = entry;
		entry.list = this;
		this.size++;
	}

	remove(entry: T): void {
		if (entry.list !== this) return;
		if (entry.newer) entry.newer.older = entry.older;
		else this.newest = entry.older;
		if (entry.older) entry.older.newer = entry.newer;
		else this.oldest = entry.newer;
		entry.newer = undefined;
		entry.older = undefined;
		entry.list = undefined;
		this.size--;
	}
}
