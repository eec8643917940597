import { z } from 'zod';
import type { BankId } from '../core/ids.js';
import { categoryIdSchema } from '../core/taxonomy.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/db.js';
import { appendAudit } from '../store/repos/audit.js';
import { addBankEntries, type Bank, type BankEntry, createBank, getBank, getBankByName } from '../store/repos/banks.js';
import { appendEvents } from '../store/repos/events.js';

const HEX = { md5: 32, sha256: 64 } as const;

export const bankInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'bank names use letters, digits, _ . : -'),
  description: z.string().max(2000).default(''),
  source: z.string().trim().min(1).max(100).default('internal'),
});

export const bankEntryInputSchema = z
  .strictObject({
    hashType: z.enum(['md5', 'sha256']),
    hash: z.string().trim().toLowerCase(),
    category: categoryIdSchema,
    classification: z.enum(['A1', 'A2', 'B1', 'B2']).nullable().optional(),
    label: z.string().max(500).nullable().optional(),
  })
  .superRefine((e, ctx) => {
    const len = HEX[e.hashType];
    if (!new RegExp(`^[0-9a-f]{${len}}$`).test(e.hash)) {
      ctx.addIssue({ code: 'custom', path: ['hash'], message: `a ${e.hashType} hash is ${len} hex characters` });
    }
  });
export type BankEntryInput = z.infer<typeof bankEntryInputSchema>;

export class BankError extends Error {
  constructor(message: string, readonly status: 404 | 409) {
    super(message);
  }
}

/** Curating hash banks. Every change is audited and recorded as an event, and bumps the banks' version. */
export class BankService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async create(input: z.infer<typeof bankInputSchema>, actor: string): Promise<Bank> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      if (await getBankByName(trx, input.name)) throw new BankError(`a bank named ${input.name} already exists`, 409);
      const bank = await createBank(trx, input, actor, now);
      await appendAudit(trx, { actor, action: 'bank.create', targetType: 'bank', targetId: bank.id, details: { name: bank.name, source: bank.source } }, now);
      await appendEvents(trx, [{ type: 'bank_created', itemId: null, accountId: null, actor, versions: {}, payload: { bankId: bank.id, name: bank.name } }], now);
      return bank;
    });
  }

  async addEntries(bankId: string, entries: readonly BankEntryInput[], actor: string): Promise<BankEntry[]> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const bank = await getBank(trx, bankId);
      if (!bank) throw new BankError(`bank ${bankId} not found`, 404);
      const added = await addBankEntries(trx, bank.id as BankId, entries, actor, now);
      await appendAudit(trx, {
        actor, action: 'bank.entries.add', targetType: 'bank', targetId: bank.id,
        details: { requested: entries.length, added: added.length, entryIds: added.slice(0, 100).map((e) => e.id) },
      }, now);
      await appendEvents(trx, added.map((e) => ({
        type: 'bank_entry_added' as const, itemId: null, accountId: null, actor, versions: { banks: e.id },
        payload: { bankId: bank.id, entryId: e.id, hashType: e.hashType, hash: e.hash, category: e.category },
      })), now);
      return added;
    });
  }
}
