import { z } from 'zod';
import type { BankId } from '../core/ids.js';
import { type BankChangeFeed, type BankChangeNotice, LocalBankChangeFeed } from './change-feed.js';
import { categoryIdSchema } from '../core/taxonomy.js';
import type { Clock } from '../core/clock.js';
import type { Queryable, Store } from '../store/db.js';
import { appendAudit } from '../store/repos/audit.js';
import {
  addBankEntries, type Bank, bankChangeSeq, type BankEntry, banksVersion, createBank, getBank, getBankByName, HASH_TYPES,
  insertBankEntriesBulk, MATCH_MODES, type NewBankEntry, nextBankChangeSeq, releaseBankChangeSeq, setEntryEnabled, updateBank, withBulkLoadSettings,
} from '../store/repos/banks.js';
import { appendEvents } from '../store/repos/events.js';
import type { ParsedBatch } from './files.js';

const HEX = { md5: 32, sha256: 64, pdq: 64 } as const;
const HEX_PATTERN = { md5: /^[0-9a-f]{32}$/, sha256: /^[0-9a-f]{64}$/, pdq: /^[0-9a-f]{64}$/ } as const;

export const bankInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'bank names use letters, digits, _ . : -'),
  description: z.string().max(2000).default(''),
  source: z.string().trim().min(1).max(100).default('internal'),
  matchMode: z.enum(MATCH_MODES).default('enforce'),
  enabled: z.boolean().default(true),
});

export const bankPatchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  matchMode: z.enum(MATCH_MODES).optional(),
  description: z.string().max(2000).optional(),
});

const vpdqFrameSchema = z.strictObject({
  hash: z.string().regex(/^[0-9a-f]{64}$/i, 'a frame hash is 64 hex characters'),
  quality: z.number().int().min(0).max(100),
  timestampSec: z.number().min(0),
});

export const bankEntryInputSchema = z
  .strictObject({
    hashType: z.enum(HASH_TYPES),
    /** For vpdq, an identifier of the video (e.g. its SHA-256); the frames carry the hashes. */
    hash: z.string().trim().toLowerCase(),
    category: categoryIdSchema,
    classification: z.enum(['A1', 'A2', 'B1', 'B2']).nullable().optional(),
    label: z.string().max(500).nullable().optional(),
    source: z.string().max(200).nullable().optional(),
    provenance: z.string().max(500).nullable().optional(),
    frames: z.array(vpdqFrameSchema).min(1).max(100_000).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.hashType === 'vpdq') {
      if (!e.frames) ctx.addIssue({ code: 'custom', path: ['frames'], message: 'a vpdq entry needs its frames' });
      if (!/^[0-9a-f]{8,128}$/.test(e.hash)) ctx.addIssue({ code: 'custom', path: ['hash'], message: 'a vpdq entry hash is 8 to 128 hex characters identifying the video' });
      return;
    }
    if (e.frames) ctx.addIssue({ code: 'custom', path: ['frames'], message: `only vpdq entries have frames` });
    const len = HEX[e.hashType];
    if (!HEX_PATTERN[e.hashType].test(e.hash)) {
      ctx.addIssue({ code: 'custom', path: ['hash'], message: `a ${e.hashType} hash is ${len} hex characters` });
    }
  });
export type BankEntryInput = z.infer<typeof bankEntryInputSchema>;

export class BankError extends Error {
  constructor(message: string, readonly status: 404 | 409) {
    super(message);
  }
}

export interface RejectedRow {
  line: number;
  problem: string;
}

export interface ImportProgress {
  rows: number;
  rejected: number;
  /** Of the file, for progress against its size. */
  bytesRead: number;
}

export interface ImportOptions {
  actor: string;
  /** Import the valid rows and report the rest; otherwise one bad row refuses the whole import. */
  skipInvalid: boolean;
  /** Where the rows come from (a file name), for the audit log. */
  origin?: string | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
  /** Stops the import; nothing is kept. */
  signal?: AbortSignal | undefined;
}

export interface ImportOutcome {
  bank: Bank;
  bankCreated: boolean;
  rows: number;
  added: number;
  /** Valid rows whose hash the bank already had (or that came twice in the file). */
  alreadyPresent: number;
  rejected: RejectedRow[];
}

/** An import refused because of bad rows; nothing was written, not even the bank. */
export class BankImportRefused extends Error {
  constructor(readonly rejected: readonly RejectedRow[], readonly rows: number) {
    super(`${rejected.length} bad row(s) of ${rows}, nothing imported`);
  }
}

/** Valid entries sorted and inserted together; large enough that the sort pays off, small enough to keep memory flat. */
const IMPORT_CHUNK_ROWS = 50_000;

const toNewEntry = ({ frames, ...e }: BankEntryInput): NewBankEntry => ({ ...e, data: frames ? { frames } : null });

export interface BankServiceOptions {
  /** Where committed changes are announced to hash-index replicas; in-process unless distributed mode passes NATS. */
  changes?: BankChangeFeed | undefined;
}

/**
 * Curating hash banks. Every change is audited and recorded as an event, commits a new bank change sequence number,
 * and is announced on `changes` once committed.
 */
export class BankService {
  readonly changes: BankChangeFeed;

  constructor(private readonly store: Store, private readonly clock: Clock, opts: BankServiceOptions = {}) {
    this.changes = opts.changes ?? new LocalBankChangeFeed();
  }

  /** Tells the replicas after the commit; a notice lost here is healed by their next catch-up. */
  private announce(notice: BankChangeNotice | null): void {
    if (!notice) return;
    try {
      this.changes.announce(notice);
    } catch {
      // The change is committed; a feed's failure must not turn it into an error for the caller.
    }
  }

  async create(raw: z.input<typeof bankInputSchema>, actor: string): Promise<Bank> {
    const input = bankInputSchema.parse(raw);
    const now = this.clock.now();
    const { bank, seq } = await this.store.db.transaction().execute(async (trx) => {
      if (await getBankByName(trx, input.name)) throw new BankError(`a bank named ${input.name} already exists`, 409);
      const bank = await createBank(trx, input, actor, now);
      await recordCreation(trx, bank, actor, now);
      return { bank, seq: await bankChangeSeq(trx) };
    });
    this.announce({ seq, bankId: bank.id, kind: 'bank_changed', entries: 0 });
    return bank;
  }

  /**
   * Imports a hash list into a bank, creating the bank if there is none of that name, in one transaction: the
   * import lands whole or not at all (a refusal, an error, an abort or a killed process leave nothing behind), and
   * every entry it adds carries one bank change sequence number, which replicas apply as one change. On SQLite the
   * transaction holds the write lock for the import's duration (seconds per million rows); on Postgres it holds the
   * bank change counter, so other bank changes wait for it.
   */
  async importEntries(
    target: z.input<typeof bankInputSchema>,
    batches: AsyncIterable<ParsedBatch>,
    opts: ImportOptions,
  ): Promise<ImportOutcome> {
    const input = bankInputSchema.parse(target);
    const { actor } = opts;
    const now = this.clock.now();
    const { db } = this.store;
    const outcome = await withBulkLoadSettings(db, () => db.transaction().execute(async (trx) => {
      const existing = await getBankByName(trx, input.name);
      const bank = existing ?? (await createBank(trx, input, actor, now));
      // Taken when the first rows are written, so a refused import never holds the counter.
      let seq: number | null = null;
      const rejected: RejectedRow[] = [];
      let rows = 0;
      let valid = 0;
      let added = 0;
      let firstId: string | null = null;
      let lastId: string | null = null;
      let chunk: NewBankEntry[] = [];
      const flush = async () => {
        seq ??= existing ? await nextBankChangeSeq(trx) : await bankChangeSeq(trx);
        const r = await insertBankEntriesBulk(trx, bank.id, chunk, actor, now, seq);
        chunk = [];
        added += r.added;
        firstId ??= r.firstId;
        lastId = r.lastId ?? lastId;
      };

      for await (const batch of batches) {
        opts.signal?.throwIfAborted();
        for (const row of batch.rows) {
          rows++;
          if ('problem' in row) rejected.push(row);
          else {
            valid++;
            chunk.push(toNewEntry(row.entry));
          }
        }
        // Once refused, the rest is only read to list every bad row.
        if (rejected.length > 0 && !opts.skipInvalid) chunk = [];
        if (chunk.length >= IMPORT_CHUNK_ROWS) await flush();
        opts.onProgress?.({ rows, rejected: rejected.length, bytesRead: batch.bytesRead });
      }
      opts.signal?.throwIfAborted();
      if (rejected.length > 0 && !opts.skipInvalid) throw new BankImportRefused(rejected, rows);
      if (chunk.length > 0) await flush();

      // An existing bank that gained nothing: give the number back, so the banks' version does not move.
      if (existing && seq !== null && added === 0) await releaseBankChangeSeq(trx, seq);
      if (!existing) await recordCreation(trx, bank, actor, now);
      await appendAudit(trx, {
        actor, action: 'bank.import', targetType: 'bank', targetId: bank.id,
        details: {
          origin: opts.origin ?? null, rows, added, alreadyPresent: valid - added, rejected: rejected.length,
          // Every entry this import added has an id in this range (ids are handed out in order).
          entryIds: added > 0 ? { from: firstId, to: lastId } : null,
        },
      }, now);
      if (added > 0) {
        await appendEvents(trx, [{
          type: 'bank_entry_added', itemId: null, accountId: null, actor, versions: { banks: await banksVersion(trx) },
          payload: { bankId: bank.id, count: added, alreadyPresent: valid - added, entryIdsFrom: firstId, entryIdsTo: lastId },
        }], now);
      }
      const result: ImportOutcome = { bank, bankCreated: !existing, rows, added, alreadyPresent: valid - added, rejected };
      return { result, seq: added > 0 || !existing ? await bankChangeSeq(trx) : null };
    }));
    if (outcome.seq !== null) {
      const kind = outcome.result.added > 0 ? 'entries_added' : 'bank_changed';
      this.announce({ seq: outcome.seq, bankId: outcome.result.bank.id, kind, entries: outcome.result.added });
    }
    return outcome.result;
  }

  async addEntries(bankId: string, entries: readonly BankEntryInput[], actor: string): Promise<BankEntry[]> {
    const now = this.clock.now();
    const { added, seq } = await this.store.db.transaction().execute(async (trx) => {
      const bank = await getBank(trx, bankId);
      if (!bank) throw new BankError(`bank ${bankId} not found`, 404);
      const added = await addBankEntries(
        trx, bank.id as BankId, entries.map(({ frames, ...e }) => ({ ...e, data: frames ? { frames } : null })), actor, now,
      );
      await appendAudit(trx, {
        actor, action: 'bank.entries.add', targetType: 'bank', targetId: bank.id,
        details: { requested: entries.length, added: added.length, entryIds: added.slice(0, 100).map((e) => e.id) },
      }, now);
      const seq = added.length > 0 ? await bankChangeSeq(trx) : null;
      // One event per entry keeps a curator's additions traceable; a bulk import of a list is one event.
      const events = added.length <= 100
        ? added.map((e) => ({
            type: 'bank_entry_added' as const, itemId: null, accountId: null, actor, versions: { banks: String(seq) },
            payload: { bankId: bank.id, entryId: e.id, hashType: e.hashType, hash: e.hash, category: e.category, provenance: e.provenance },
          }))
        : [{
            type: 'bank_entry_added' as const, itemId: null, accountId: null, actor, versions: { banks: String(seq) },
            payload: { bankId: bank.id, count: added.length, firstEntryId: added[0]?.id, lastEntryId: added.at(-1)?.id },
          }];
      await appendEvents(trx, events, now);
      return { added, seq };
    });
    if (seq !== null) this.announce({ seq, bankId, kind: 'entries_added', entries: added.length });
    return added;
  }

  async update(bankId: string, patch: z.infer<typeof bankPatchSchema>, actor: string): Promise<Bank> {
    const now = this.clock.now();
    const { bank, seq } = await this.store.db.transaction().execute(async (trx) => {
      if (!(await getBank(trx, bankId))) throw new BankError(`bank ${bankId} not found`, 404);
      const seq = await updateBank(trx, bankId, patch, now);
      await appendAudit(trx, { actor, action: 'bank.update', targetType: 'bank', targetId: bankId, details: patch }, now);
      return { bank: (await getBank(trx, bankId)) as Bank, seq };
    });
    this.announce({ seq, bankId, kind: 'bank_changed', entries: 0 });
    return bank;
  }

  async setEntryEnabled(bankId: string, entryId: string, enabled: boolean, actor: string): Promise<void> {
    const now = this.clock.now();
    const seq = await this.store.db.transaction().execute(async (trx) => {
      const seq = await setEntryEnabled(trx, bankId, entryId, enabled);
      if (seq === null) throw new BankError(`entry ${entryId} not found in bank ${bankId}`, 404);
      await appendAudit(trx, { actor, action: enabled ? 'bank.entry.enable' : 'bank.entry.disable', targetType: 'bank_entry', targetId: entryId, details: { bankId } }, now);
      return seq;
    });
    this.announce({ seq, bankId, kind: 'entry_changed', entries: 1 });
  }
}

async function recordCreation(q: Queryable, bank: Bank, actor: string, now: number): Promise<void> {
  await appendAudit(q, { actor, action: 'bank.create', targetType: 'bank', targetId: bank.id, details: { name: bank.name, source: bank.source } }, now);
  await appendEvents(q, [{ type: 'bank_created', itemId: null, accountId: null, actor, versions: {}, payload: { bankId: bank.id, name: bank.name } }], now);
}
