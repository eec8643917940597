import type { Haven } from '../app.js';
import { getBankByName } from '../store/repos/banks.js';
import { findItemIdsByExternalId, getItem } from '../store/repos/items.js';
import { BankError, type BankEntryInput } from './service.js';

/** Turns each media part of an item into bank entries: every hash Haven has for it, with the item as provenance. */
export async function bankItem(
  haven: Haven,
  itemRef: string,
  o: { bank: string; category: string; classification?: string | undefined; label?: string | undefined },
  actor: string,
): Promise<{ itemId: string; added: number; hashes: string[] }> {
  const item = (await getItem(haven.store.db, itemRef)) ??
    (await getItem(haven.store.db, (await findItemIdsByExternalId(haven.store.db, itemRef))[0] ?? ''));
  if (!item) throw new BankError(`no item with id or external id ${itemRef}`, 404);
  if (item.media.length === 0) throw new BankError(`item ${item.id} has no media to bank`, 409);
  const b = (await getBankByName(haven.store.db, o.bank)) ?? (await haven.banks.create({ name: o.bank, description: '', source: 'internal' }, actor));
  const common = {
    category: o.category, label: o.label ?? null, source: 'internal', provenance: `item:${item.id} (${item.externalId})`,
    ...(o.classification ? { classification: o.classification as 'A1' } : {}),
  };
  const entries: BankEntryInput[] = [];
  for (const m of item.media) {
    entries.push({ ...common, hashType: 'sha256', hash: m.sha256 }, { ...common, hashType: 'md5', hash: m.md5 });
    if (m.pdq) entries.push({ ...common, hashType: 'pdq', hash: m.pdq });
    if (m.vpdq?.length) entries.push({ ...common, hashType: 'vpdq', hash: m.sha256, frames: m.vpdq });
  }
  const added = await haven.banks.addEntries(b.id, entries, actor);
  return { itemId: item.id, added: added.length, hashes: [...new Set(entries.map((e) => e.hashType))] };
}
