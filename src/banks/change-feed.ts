/**
 * How hash-index replicas hear that the banks changed. Every bank change commits a new bank change sequence
 * number in the database (the source of truth); the feed only tells replicas to catch up now rather than at their
 * next batch. In one process the feed is in memory; in distributed mode it is a NATS subject (pipeline/transport).
 */
export interface BankChangeNotice {
  /** The bank change sequence number the change committed as. */
  seq: number;
  bankId: string;
  kind: 'entries_added' | 'entry_changed' | 'bank_changed';
  /** How many entries the change touched (0 for a bank-level change). */
  entries: number;
}

export interface BankChangeFeed {
  /** Called after a bank change has committed. Never throws: a lost notice is healed by the next catch-up. */
  announce(notice: BankChangeNotice): void;
  /** Registers a listener; returns a function that removes it. */
  listen(onChange: (notice: BankChangeNotice) => void): () => void;
}

/** The in-process feed used in embedded mode (and by tests). */
export class LocalBankChangeFeed implements BankChangeFeed {
  private readonly listeners = new Set<(notice: BankChangeNotice) => void>();

  announce(notice: BankChangeNotice): void {
    for (const l of this.listeners) {
      try {
        l(notice);
      } catch {
        // A listener's failure must not undo or block the change that already committed.
      }
    }
  }

  listen(onChange: (notice: BankChangeNotice) => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }
}
