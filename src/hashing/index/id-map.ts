/**
 * id -> slot map as one open-addressing Int32Array (linear probing, backward-shift deletion). It stores only slot+1
 * (0 = empty); the id itself is read back from the index's `ids` array, so an entry costs 4 bytes / load factor.
 */
export class IdMap {
  private table = new Int32Array(16);
  private shift = 28;
  private count = 0;

  private home(id: number): number {
    return Math.imul(id, 0x9e3779b1) >>> this.shift;
  }

  get(id: number, ids: Uint32Array): number {
    const mask = this.table.length - 1;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const v = this.table[i]!;
      if (v === 0) return -1;
      if (ids[v - 1] === id) return v - 1;
    }
  }

  /** Caller guarantees `id` is not present. */
  insert(id: number, slot: number, ids: Uint32Array): void {
    if ((this.count + 1) * 10 > this.table.length * 7) this.rehash(this.count + 1, ids);
    this.place(id, slot);
    this.count++;
  }

  delete(id: number, ids: Uint32Array): boolean {
    const mask = this.table.length - 1;
    let i = this.home(id);
    for (; ; i = (i + 1) & mask) {
      const v = this.table[i]!;
      if (v === 0) return false;
      if (ids[v - 1] === id) break;
    }
    // Backward shift: pull later entries of the probe run into the hole so lookups never stop early.
    this.table[i] = 0;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const v = this.table[j]!;
      if (v === 0) break;
      const k = this.home(ids[v - 1]!);
      const stays = i <= j ? k > i && k <= j : k > i || k <= j;
      if (!stays) {
        this.table[i] = v;
        this.table[j] = 0;
        i = j;
      }
    }
    this.count--;
    return true;
  }

  /** Rebuilds from slots 0..n-1 (after a compaction moved them). */
  reset(ids: Uint32Array, n: number): void {
    this.count = 0;
    this.rehash(n, ids, n);
  }

  bytes(): number {
    return this.table.byteLength;
  }

  /** Smallest power-of-two table holding `entries` at load <= 0.7. */
  private rehash(entries: number, ids: Uint32Array, fromSlots = -1): void {
    let cap = 16;
    while (cap * 7 < entries * 10) cap *= 2;
    const old = this.table;
    this.table = new Int32Array(cap);
    this.shift = 32 - Math.log2(cap);
    if (fromSlots >= 0) {
      for (let s = 0; s < fromSlots; s++) this.place(ids[s]!, s);
      this.count = fromSlots;
      return;
    }
    for (const v of old) if (v !== 0) this.place(ids[v - 1]!, v - 1);
  }

  private place(id: number, slot: number): void {
    const mask = this.table.length - 1;
    let i = this.home(id);
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = slot + 1;
  }
}
