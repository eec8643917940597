/** A bank entry as the matcher needs it. */
export interface IndexedEntry {
  bankId: string;
  bankName: string;
  entryId: string;
  hashType: string;
  hash: string;
  category: string;
  classification: string | null;
  label: string | null;
  /** What a match against this entry's bank may do (enforce, review, shadow). */
  matchMode: string;
}

/** Exact-digest lookup over every bank, held in memory: one map probe per media digest. */
export class DigestIndex {
  private readonly byKey = new Map<string, IndexedEntry[]>();
  private stamp = '0';

  get version(): string {
    return this.stamp;
  }

  get size(): number {
    let n = 0;
    for (const list of this.byKey.values()) n += list.length;
    return n;
  }

  replace(entries: readonly IndexedEntry[], version: string): void {
    this.byKey.clear();
    for (const e of entries) this.add(e);
    this.stamp = version;
  }

  add(e: IndexedEntry): void {
    const key = `${e.hashType}:${e.hash.toLowerCase()}`;
    const list = this.byKey.get(key);
    if (!list) this.byKey.set(key, [e]);
    else if (!list.some((x) => x.entryId === e.entryId)) list.push(e);
  }

  /** Removes an entry; false when it was not indexed under that hash. */
  remove(e: Pick<IndexedEntry, 'hashType' | 'hash' | 'entryId'>): boolean {
    const key = `${e.hashType}:${e.hash.toLowerCase()}`;
    const list = this.byKey.get(key);
    const at = list?.findIndex((x) => x.entryId === e.entryId) ?? -1;
    if (!list || at < 0) return false;
    if (list.length === 1) this.byKey.delete(key);
    else list.splice(at, 1);
    return true;
  }

  /** Stamps the version after changes applied one by one (replace stamps its own). */
  setVersion(version: string): void {
    this.stamp = version;
  }

  lookup(hashType: string, hash: string): readonly IndexedEntry[] {
    return this.byKey.get(`${hashType}:${hash.toLowerCase()}`) ?? [];
  }
}
