import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { bankItem } from '../../banks/from-item.js';
import { categoryIdSchema } from '../../core/taxonomy.js';
import { bankEntryInputSchema, bankInputSchema, bankPatchSchema } from '../../banks/service.js';
import { getBank, listBankEntries, listBanks } from '../../store/repos/banks.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const iso = (ms: number) => new Date(ms).toISOString();

export function bankRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'GET', url: '/v1/banks', tag: 'banks', access: 'banks:read', summary: 'Hash banks with their entry counts',
    async handler() {
      return { banks: (await listBanks(haven.store.db)).map((b) => ({ ...b, createdAt: iso(b.createdAt) })) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/banks', tag: 'banks', access: 'banks:write', status: 201, summary: 'Create a hash bank',
    body: bankInputSchema,
    async handler({ body, principal }) {
      const bank = await haven.banks.create(body, principal ? principalLabel(principal) : 'unknown');
      return { ...bank, createdAt: iso(bank.createdAt), entryCount: 0 };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/banks/:id/entries', tag: 'banks', access: 'banks:read', params: idParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.string().max(64).optional() }),
    summary: 'Entries of a bank, oldest first',
    async handler({ params, query }) {
      if (!(await getBank(haven.store.db, params.id))) throw new HttpError(404, 'not_found', `bank ${params.id} not found`);
      const rows = await listBankEntries(haven.store.db, params.id, { limit: query.limit + 1, after: query.cursor });
      const page = rows.slice(0, query.limit);
      return {
        entries: page.map((e) => ({ ...e, createdAt: iso(e.createdAt) })),
        nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/banks/:id/entries', tag: 'banks', access: 'banks:write', params: idParams, status: 201,
    body: z.strictObject({ entries: z.array(bankEntryInputSchema).min(1).max(10_000) }),
    summary: 'Add entries (MD5 or SHA-256 of known files). Entries already present are skipped.',
    async handler({ params, body, principal }) {
      const added = await haven.banks.addEntries(params.id, body.entries, principal ? principalLabel(principal) : 'unknown');
      return { added: added.length, entries: added.map((e) => ({ ...e, createdAt: iso(e.createdAt) })) };
    },
  });

  routes.add({
    method: 'PATCH', url: '/v1/banks/:id', tag: 'banks', access: 'banks:write', params: idParams, body: bankPatchSchema,
    summary: 'Switch a bank on or off, or change what its matches do (enforce, review, shadow)',
    async handler({ params, body, principal }) {
      const bank = await haven.banks.update(params.id, body, principal ? principalLabel(principal) : 'unknown');
      return { ...bank, createdAt: iso(bank.createdAt) };
    },
  });

  routes.add({
    method: 'PATCH', url: '/v1/banks/:id/entries/:entryId', tag: 'banks', access: 'banks:write',
    params: z.strictObject({ id: z.string().min(1).max(64), entryId: z.string().min(1).max(64) }),
    body: z.strictObject({ enabled: z.boolean() }),
    summary: 'Switch one entry on or off (e.g. a false positive)',
    async handler({ params, body, principal }) {
      await haven.banks.setEntryEnabled(params.id, params.entryId, body.enabled, principal ? principalLabel(principal) : 'unknown');
      return { id: params.entryId, enabled: body.enabled };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/banks/from-item', tag: 'banks', access: 'banks:write', status: 201,
    body: z.strictObject({
      item: z.string().min(1).max(256), bank: z.string().min(1).max(100), category: categoryIdSchema.default('CSE-01'),
      classification: z.enum(['A1', 'A2', 'B1', 'B2']).optional(), label: z.string().max(500).optional(),
    }),
    summary: "Bank an item's media (every hash Haven holds for it), with the item as provenance",
    async handler({ body, principal }) {
      return bankItem(haven, body.item, body, principal ? principalLabel(principal) : 'unknown');
    },
  });
}
