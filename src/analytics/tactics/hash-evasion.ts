import { type NearMissVariant, type VariantFamily, variantFamilies } from './variant-families.js';

/**
 * Hash evasion around banked entries: per entry, the near-miss variants grouped into families, which families are new
 * in the window, and how many of their items reviewers confirmed as violating. Pure.
 */

export interface NearMissRow extends NearMissVariant {
  bankEntryId: string;
  bankName: string | null;
  category: string;
}

export interface EvasionFamily extends VariantFamily {
  /** First seen inside the window. */
  isNew: boolean;
  /** Items of the family a reviewer decided were violating. */
  confirmedItems: number;
  confirmedItemIds: string[];
}

export interface EvasionEntry {
  bankEntryId: string;
  bankName: string | null;
  category: string;
  nearMisses: number;
  families: EvasionFamily[];
}

export interface HashEvasionReport {
  window: { from: number; to: number };
  /** Near misses before `from` back to here are loaded too, so a family seen before the window is not called new. */
  lookbackFrom: number;
  nearMisses: number;
  truncated: boolean;
  families: number;
  newFamilies: number;
  confirmedItems: number;
  entries: EvasionEntry[];
}

export function hashEvasionReport(
  rows: readonly NearMissRow[],
  confirmed: ReadonlySet<string>,
  w: { from: number; to: number; lookbackFrom: number },
  truncated = false,
): HashEvasionReport {
  const byEntry = new Map<string, NearMissRow[]>();
  for (const r of rows) byEntry.set(r.bankEntryId, [...(byEntry.get(r.bankEntryId) ?? []), r]);
  const entries: EvasionEntry[] = [];
  for (const [bankEntryId, list] of byEntry) {
    const families = variantFamilies(bankEntryId, list).map((f): EvasionFamily => {
      const confirmedItemIds = f.itemIds.filter((id) => confirmed.has(id));
      return { ...f, isNew: f.firstSeenAt >= w.from && f.firstSeenAt < w.to, confirmedItems: confirmedItemIds.length, confirmedItemIds };
    });
    // Only entries with activity in the window are reported; older families stay as context for "new".
    if (!families.some((f) => f.lastSeenAt >= w.from)) continue;
    const first = list[0] as NearMissRow;
    entries.push({ bankEntryId, bankName: first.bankName, category: first.category, nearMisses: list.length, families });
  }
  entries.sort((a, b) => newCount(b) - newCount(a) || b.nearMisses - a.nearMisses || (a.bankEntryId < b.bankEntryId ? -1 : 1));
  const all = entries.flatMap((e) => e.families);
  return {
    window: { from: w.from, to: w.to },
    lookbackFrom: w.lookbackFrom,
    nearMisses: rows.length,
    truncated,
    families: all.length,
    newFamilies: all.filter((f) => f.isNew).length,
    confirmedItems: new Set(all.flatMap((f) => f.confirmedItemIds)).size,
    entries,
  };
}

function newCount(e: EvasionEntry): number {
  return e.families.filter((f) => f.isNew).length;
}
