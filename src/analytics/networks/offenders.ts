import { type AccountGraph, cmp, type SharedKey } from './graph.js';
import type { LinkType } from './links.js';
import { type DisableFact, groupBy, type ViolationFact } from './risk.js';

export interface RepeatOffender {
  accountId: string;
  violations: number;
  categories: string[];
  firstAt: number;
  lastAt: number;
  /** Newest first, at most 50. */
  decisionIds: string[];
  itemIds: string[];
}

/** Accounts with at least `min` violating decisions among `violations` (already windowed), most first. */
export function repeatOffenders(violations: readonly ViolationFact[], min = 3): RepeatOffender[] {
  const out: RepeatOffender[] = [];
  for (const [accountId, vs] of groupBy(violations, (v) => v.accountId)) {
    if (vs.length < min) continue;
    const newest = [...vs].sort((a, b) => b.at - a.at || cmp(b.decisionId, a.decisionId));
    out.push({
      accountId,
      violations: vs.length,
      categories: [...new Set(vs.flatMap((v) => (v.category ? [v.category] : [])))].sort(cmp),
      firstAt: Math.min(...vs.map((v) => v.at)),
      lastAt: Math.max(...vs.map((v) => v.at)),
      decisionIds: newest.slice(0, 50).map((v) => v.decisionId),
      itemIds: [...new Set(newest.slice(0, 50).map((v) => v.itemId))],
    });
  }
  return out.sort((a, b) => b.violations - a.violations || b.lastAt - a.lastAt || cmp(a.accountId, b.accountId));
}

/** Link types that alone tie a new account to a disabled one; minor targets need MIN_SHARED_TARGETS; an IP never alone. */
export const EVASION_STRONG_LINKS: ReadonlySet<LinkType> = new Set(['device', 'bank_entry', 'media']);
export const MIN_SHARED_TARGETS = 2;

export interface EvasionLink {
  disabledAccountId: string;
  actionId: string;
  disabledAt: number;
  weight: number;
  via: SharedKey[];
}

export interface BanEvasionFlag {
  accountId: string;
  createdAt: number;
  /** Sum of the weights of the edges to disabled accounts that qualified. */
  score: number;
  linkedTo: EvasionLink[];
}

/**
 * Likely ban evasion: an account created after a linked account was disabled, where the link is a shared device,
 * banked entry or matched media, or at least MIN_SHARED_TARGETS shared minor-band targets. `createdAt` is what
 * the platform declared for the account (or when Haven first saw it).
 */
export function detectBanEvasion(
  graph: AccountGraph, disables: readonly DisableFact[], createdAt: ReadonlyMap<string, number>,
): BanEvasionFlag[] {
  // The earliest disable of each account is when it was banned.
  const firstDisable = new Map<string, DisableFact>();
  for (const d of disables) {
    const f = firstDisable.get(d.accountId);
    if (!f || d.at < f.at || (d.at === f.at && d.actionId < f.actionId)) firstDisable.set(d.accountId, d);
  }
  const flags = new Map<string, BanEvasionFlag>();
  for (const [disabledId, d] of [...firstDisable].sort((a, b) => cmp(a[0], b[0]))) {
    if (!graph.hasNode(disabledId)) continue;
    graph.forEachEdge(disabledId, (_e, attrs, source, target) => {
      const other = source === disabledId ? target : source;
      const born = createdAt.get(other);
      if (born === undefined || born <= d.at) return;
      const strong = attrs.shared.some((s) => EVASION_STRONG_LINKS.has(s.type));
      const targets = attrs.shared.filter((s) => s.type === 'minor_contact').length;
      if (!strong && targets < MIN_SHARED_TARGETS) return;
      const flag = flags.get(other) ?? { accountId: other, createdAt: born, score: 0, linkedTo: [] };
      flags.set(other, flag);
      flag.score += attrs.weight;
      flag.linkedTo.push({ disabledAccountId: disabledId, actionId: d.actionId, disabledAt: d.at, weight: attrs.weight, via: attrs.shared });
    });
  }
  return [...flags.values()].sort((a, b) => b.score - a.score || cmp(a.accountId, b.accountId));
}
