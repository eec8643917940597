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

  lookup(hashType: string, hash: string): readonly IndexedEntry[] {
    return this.byKey.get(`${hashType}:${hash.toLowerCase()}`) ?? [];
  }
}
