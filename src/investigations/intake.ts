import type { Queryable } from '../store/db.js';
import {
  accountIdsByExternalIds, existingAccountIds, existingBankEntries, existingConversations, existingItemIds, itemIdsByExternalIds,
} from '../store/repos/escalation-related.js';
import type { EntityType, EscalationEntitiesInput } from './escalations.js';

export interface ResolvedEntity {
  entityType: EntityType;
  entityId: string;
}

export interface EntityProblem {
  path: string;
  message: string;
}

/**
 * Turns the entities named at intake (items and accounts by id or external id, conversations, bank entries) into
 * stored ids, and names every one that does not exist (`path` is where it was given in the request body).
 */
export async function resolveEntities(
  q: Queryable,
  input: EscalationEntitiesInput,
  where = 'body.entities',
): Promise<{ entities: ResolvedEntity[]; problems: EntityProblem[] }> {
  const entities: ResolvedEntity[] = [];
  const problems: EntityProblem[] = [];
  const add = (entityType: EntityType, entityId: string) => {
    if (!entities.some((e) => e.entityType === entityType && e.entityId === entityId)) entities.push({ entityType, entityId });
  };

  const itemIds = await existingItemIds(q, input.items.flatMap((r) => (r.id ? [r.id] : [])));
  const itemsByExternal = await itemIdsByExternalIds(q, input.items.flatMap((r) => (r.externalId ? [r.externalId] : [])));
  input.items.forEach((r, i) => {
    if (r.id !== undefined) {
      if (itemIds.has(r.id)) add('item', r.id);
      else problems.push({ path: `${where}.items.${i}.id`, message: `unknown item ${r.id}` });
    } else if (r.externalId !== undefined) {
      const ids = itemsByExternal.get(r.externalId);
      if (ids) for (const id of ids) add('item', id);
      else problems.push({ path: `${where}.items.${i}.externalId`, message: `unknown item external id ${r.externalId}` });
    }
  });

  const accountIds = await existingAccountIds(q, input.accounts.flatMap((r) => (r.id ? [r.id] : [])));
  const accountsByExternal = await accountIdsByExternalIds(q, input.accounts.flatMap((r) => (r.externalId ? [r.externalId] : [])));
  input.accounts.forEach((r, i) => {
    if (r.id !== undefined) {
      if (accountIds.has(r.id)) add('account', r.id);
      else problems.push({ path: `${where}.accounts.${i}.id`, message: `unknown account ${r.id}` });
    } else if (r.externalId !== undefined) {
      const id = accountsByExternal.get(r.externalId);
      if (id) add('account', id);
      else problems.push({ path: `${where}.accounts.${i}.externalId`, message: `unknown account external id ${r.externalId}` });
    }
  });

  const conversations = await existingConversations(q, input.conversations);
  input.conversations.forEach((c, i) => {
    if (conversations.has(c)) add('conversation', c);
    else problems.push({ path: `${where}.conversations.${i}`, message: `unknown conversation ${c} (no item carries it)` });
  });

  const entries = await existingBankEntries(q, input.bankEntries);
  input.bankEntries.forEach((b, i) => {
    if (entries.has(b)) add('bank_entry', b);
    else problems.push({ path: `${where}.bankEntries.${i}`, message: `unknown bank entry ${b}` });
  });
  return { entities, problems };
}
