import type { VideoFrameHash } from '../../core/types.js';
import { PdqIndex } from '../../hashing/index/index.js';
import type { Queryable } from '../../store/db.js';
import {
  activeReplicaEntries, bankChangeSeq, bankChangesSince, entriesOfBanksForReplica, type ReplicaEntry,
} from '../../store/repos/banks.js';
import { DigestIndex, type IndexedEntry } from './digest-index.js';
import { ExactHashDetector } from './exact.js';
import { PdqMatchDetector } from './pdq.js';
import { type VpdqEntry, VpdqMatchDetector } from './vpdq.js';

/** Changes above this many (and a quarter of the PDQ entries) rebuild the PDQ index once instead of adding one by one. */
const BULK_DELTA = 50_000;

export interface HashDetectors {
  exact: ExactHashDetector;
  pdq: PdqMatchDetector;
  vpdq: VpdqMatchDetector;
}

/**
 * One worker's copy of the hash index (MD5/SHA-256 digests, the PDQ multi-index, the vPDQ entries), kept current by
 * applying bank changes one by one. Every bank change commits a bank change sequence number (repos/banks.ts); the
 * replica remembers the number it has applied and reads only the rows stamped after it. The first load is a snapshot;
 * after that nothing is rebuilt whole. Loads and catch-ups run one at a time, in call order.
 */
export class HashIndexReplica {
  private readonly digest = new DigestIndex();
  private pdq = new PdqIndex();
  /** The PDQ index takes numeric ids: one number per entry id, kept while the entry comes and goes. */
  private readonly pdqNumbers = new Map<string, number>();
  private readonly pdqEntries = new Map<number, IndexedEntry>();
  private nextPdqNumber = 0;
  private readonly vpdq = new Map<string, VpdqEntry>();
  /** Every entry indexed now, by entry id: what to take out when it changes. */
  private readonly indexed = new Map<string, IndexedEntry>();
  private applied = -1;
  /** While set, PDQ changes touch only the maps; the caller rebuilds the PDQ index once afterwards. */
  private deferPdq = false;
  private chain: Promise<unknown> = Promise.resolve();
  private current: HashDetectors | null = null;

  /** The bank change sequence number the index reflects; -1 before the first load. */
  get appliedSeq(): number {
    return this.applied;
  }

  get loaded(): boolean {
    return this.applied >= 0;
  }

  /** Entries indexed now (enabled entries of enabled banks). */
  get size(): number {
    return this.indexed.size;
  }

  /** Indexed entries by hash type, for tests and logs. */
  counts(): { digest: number; pdq: number; vpdq: number } {
    return { digest: this.digest.size, pdq: this.pdq.size, vpdq: this.vpdq.size };
  }

  /** Loads a snapshot of every active entry, replacing whatever was held. */
  load(q: Queryable): Promise<number> {
    return this.serialize(() => this.loadNow(q));
  }

  /** Applies the changes committed since the applied number (a first call loads). Returns the applied number. */
  catchUp(q: Queryable): Promise<number> {
    return this.serialize(() => (this.loaded ? this.catchUpNow(q) : this.loadNow(q)));
  }

  /** The matchers over this replica; they see each change as it is applied. */
  detectors(): HashDetectors {
    this.current ??= {
      exact: new ExactHashDetector(this.digest),
      pdq: new PdqMatchDetector(() => this.pdq, this.pdqEntries, this.version),
      vpdq: new VpdqMatchDetector({ [Symbol.iterator]: () => this.vpdq.values() }, this.version),
    };
    return this.current;
  }

  private readonly version = (): string => String(Math.max(0, this.applied));

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async loadNow(q: Queryable): Promise<number> {
    // The counter first: a change committing while the entries are read has a higher number, so the next catch-up
    // applies it again (applying is idempotent) instead of missing it.
    const seq = await bankChangeSeq(q);
    const entries = await activeReplicaEntries(q);
    this.digest.replace([], String(seq));
    this.pdqNumbers.clear();
    this.pdqEntries.clear();
    this.vpdq.clear();
    this.indexed.clear();
    const pdq: { id: number; hash: string }[] = [];
    for (const e of entries) {
      const entry = toIndexed(e);
      this.indexed.set(entry.entryId, entry);
      if (e.hashType === 'pdq') {
        // Dense numbers in load order: the PDQ index then keeps no id map at all.
        const n = pdq.length;
        pdq.push({ id: n, hash: e.hash });
        this.pdqNumbers.set(entry.entryId, n);
        this.pdqEntries.set(n, entry);
      } else this.index(entry, e);
    }
    this.nextPdqNumber = pdq.length;
    this.pdq = PdqIndex.build(pdq);
    this.current = null;
    this.setApplied(seq);
    return seq;
  }

  private async catchUpNow(q: Queryable): Promise<number> {
    const seq = await bankChangeSeq(q);
    if (seq === this.applied) return seq;
    // A counter behind the replica means another database (a restore): start again from a snapshot.
    if (seq < this.applied) return this.loadNow(q);
    const changes = await bankChangesSince(q, this.applied);
    const enabledBanks: string[] = [];
    for (const bank of changes.banks) {
      if (bank.enabled) enabledBanks.push(bank.id);
      else this.removeBank(bank.id);
    }
    // A bank's name or match mode lives on each of its indexed entries: re-apply them all.
    const bankEntries = await entriesOfBanksForReplica(q, enabledBanks);
    // A large delta (a list import) is cheaper as one PDQ index build from memory than as many single adds, each
    // batch of which folds the delta segment into the tables again. Nothing is read from the database again.
    this.deferPdq = bankEntries.length + changes.entries.length > Math.max(BULK_DELTA, this.pdq.size / 4);
    try {
      for (const e of bankEntries) this.apply(e);
      for (const e of changes.entries) this.apply(e);
    } finally {
      if (this.deferPdq) this.pdq = PdqIndex.build([...this.pdqEntries].map(([id, e]) => ({ id, hash: e.hash })));
      this.deferPdq = false;
    }
    this.setApplied(seq);
    return seq;
  }

  private setApplied(seq: number): void {
    this.applied = seq;
    this.digest.setVersion(String(seq));
  }

  /** An entry now enabled in an enabled bank is added (or replaced); otherwise it is removed. */
  private apply(e: ReplicaEntry): void {
    const old = this.indexed.get(e.id);
    if (!e.enabled || !e.bankEnabled) {
      if (old) this.unindex(old);
      return;
    }
    const entry = toIndexed(e);
    if (old && old.hashType === 'pdq' && entry.hashType === 'pdq' && old.hash === entry.hash) {
      // Same hash, new labels or match mode: no change to the PDQ index itself (no tombstone, no re-add).
      this.pdqEntries.set(this.pdqNumbers.get(e.id) as number, entry);
      this.indexed.set(e.id, entry);
      return;
    }
    if (old) this.unindex(old);
    this.indexed.set(e.id, entry);
    if (entry.hashType === 'pdq') {
      let n = this.pdqNumbers.get(e.id);
      if (n === undefined) {
        n = this.nextPdqNumber++;
        this.pdqNumbers.set(e.id, n);
      }
      if (!this.deferPdq) this.pdq.add(n, entry.hash);
      this.pdqEntries.set(n, entry);
    } else this.index(entry, e);
  }

  private index(entry: IndexedEntry, e: ReplicaEntry): void {
    if (e.hashType === 'vpdq') this.vpdq.set(entry.entryId, { ...entry, frames: (e.data as { frames?: VideoFrameHash[] } | null)?.frames ?? [] });
    else if (e.hashType === 'md5' || e.hashType === 'sha256') this.digest.add(entry);
  }

  private unindex(entry: IndexedEntry): void {
    this.indexed.delete(entry.entryId);
    if (entry.hashType === 'pdq') {
      const n = this.pdqNumbers.get(entry.entryId);
      if (n !== undefined) {
        if (!this.deferPdq) this.pdq.remove(n);
        this.pdqEntries.delete(n);
      }
    } else if (entry.hashType === 'vpdq') this.vpdq.delete(entry.entryId);
    else this.digest.remove(entry);
  }

  /** A disabled bank: its entries leave without reading them from the database. */
  private removeBank(bankId: string): void {
    for (const entry of [...this.indexed.values()]) if (entry.bankId === bankId) this.unindex(entry);
  }
}

function toIndexed(e: ReplicaEntry): IndexedEntry {
  return {
    bankId: e.bankId, bankName: e.bankName, entryId: e.id, hashType: e.hashType, hash: e.hash, category: e.category,
    classification: e.classification, label: e.label, matchMode: e.matchMode,
  };
}
