import { normalize, TACTICS, type Tactic } from '../../detectors/text/normalize/index.js';
import { DEFAULT_GROWTH_THRESHOLDS, type GrowthThresholds, growth, isGrowing } from './scoring.js';

/**
 * The obfuscation tactics the text normaliser undid, per UTC day and per category, and which of them are rising.
 * The pipeline records tactics only in the evidence of text-rule signals (so only when a rule fired); to count every
 * text, the caller hands over the window's texts and they are normalised here, which is pure and linear in the text.
 */

export const DAY_MS = 86_400_000;

export interface TacticTextRow {
  itemId: string;
  createdAt: number;
  text: string;
  /** Category of the item's newest decision when it was not `no_violation`; null otherwise. */
  category: string | null;
}

export interface TacticPoint {
  /** UTC day, YYYY-MM-DD, and its start in epoch ms. */
  day: string;
  dayStart: number;
  tactic: Tactic;
  items: number;
  /** Texts seen that day (the denominator). */
  texts: number;
  /** The items behind the point (at most `maxIdsPerPoint`; `idsTruncated` says when more exist). */
  itemIds: string[];
  idsTruncated: boolean;
}

export interface TacticByCategory {
  /** The decision's category, or 'none' for items with no violating or review decision. */
  category: string;
  tactic: Tactic;
  items: number;
  itemIds: string[];
  idsTruncated: boolean;
}

export interface TacticTrend {
  tactic: Tactic;
  items: number;
  /** Items using it in the recent part of the window (the last quarter, at least a day) and before it. */
  recent: number;
  earlier: number;
  logRatio: number;
  pValue: number;
  rising: boolean;
}

export interface TacticsReport {
  window: { from: number; to: number };
  /** Start of the recent part that `rising` compares with the rest of the window. */
  recentFrom: number;
  texts: number;
  textsWithTactics: number;
  days: { day: string; dayStart: number; texts: number }[];
  points: TacticPoint[];
  byCategory: TacticByCategory[];
  trends: TacticTrend[];
}

export interface TacticsOptions extends GrowthThresholds {
  maxIdsPerPoint: number;
}

export const DEFAULT_TACTICS_OPTIONS: TacticsOptions = { ...DEFAULT_GROWTH_THRESHOLDS, maxIdsPerPoint: 100 };

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The last quarter of the window in whole days, at least one day (the whole window when shorter than two). */
export function recentPartStart(w: { from: number; to: number }): number {
  const days = Math.max(1, Math.floor((w.to - w.from) / DAY_MS / 4));
  return Math.max(w.from, w.to - days * DAY_MS);
}

export function tacticsReport(rows: readonly TacticTextRow[], w: { from: number; to: number }, opts = DEFAULT_TACTICS_OPTIONS): TacticsReport {
  const recentFrom = recentPartStart(w);
  const texts = new Map<number, number>();
  const points = new Map<string, TacticPoint>();
  const byCategory = new Map<string, TacticByCategory>();
  const recent = new Map<Tactic, number>();
  const earlier = new Map<Tactic, number>();
  let recentTexts = 0;
  let withTactics = 0;
  /** Adds an id while there is room; says when the list is full (the point has more items than it names). */
  const add = (ids: string[], id: string): boolean => {
    if (ids.length >= opts.maxIdsPerPoint) return true;
    ids.push(id);
    return false;
  };
  for (const r of rows) {
    if (r.createdAt < w.from || r.createdAt >= w.to) continue;
    const dayStart = startOfUtcDay(r.createdAt);
    texts.set(dayStart, (texts.get(dayStart) ?? 0) + 1);
    const isRecent = r.createdAt >= recentFrom;
    if (isRecent) recentTexts++;
    const { tactics } = normalize(r.text);
    if (tactics.length > 0) withTactics++;
    for (const tactic of tactics) {
      const key = `${dayStart}|${tactic}`;
      const p = points.get(key) ?? { day: isoDay(dayStart), dayStart, tactic, items: 0, texts: 0, itemIds: [], idsTruncated: false };
      p.items++;
      if (add(p.itemIds, r.itemId)) p.idsTruncated = true;
      points.set(key, p);
      const category = r.category ?? 'none';
      const ck = `${category}|${tactic}`;
      const c = byCategory.get(ck) ?? { category, tactic, items: 0, itemIds: [], idsTruncated: false };
      c.items++;
      if (add(c.itemIds, r.itemId)) c.idsTruncated = true;
      byCategory.set(ck, c);
      const side = isRecent ? recent : earlier;
      side.set(tactic, (side.get(tactic) ?? 0) + 1);
    }
  }
  const total = [...texts.values()].reduce((a, b) => a + b, 0);
  for (const p of points.values()) p.texts = texts.get(p.dayStart) ?? 0;
  const trends: TacticTrend[] = TACTICS.map((tactic) => {
    const counts = { recent: recent.get(tactic) ?? 0, recentTotal: recentTexts, baseline: earlier.get(tactic) ?? 0, baselineTotal: total - recentTexts };
    const g = growth(counts);
    return { tactic, items: counts.recent + counts.baseline, recent: counts.recent, earlier: counts.baseline, ...g, rising: isGrowing(counts, g, opts) };
  });
  return {
    window: { ...w },
    recentFrom,
    texts: total,
    textsWithTactics: withTactics,
    days: [...texts].sort(([a], [b]) => a - b).map(([dayStart, n]) => ({ day: isoDay(dayStart), dayStart, texts: n })),
    points: [...points.values()].sort((a, b) => a.dayStart - b.dayStart || TACTICS.indexOf(a.tactic) - TACTICS.indexOf(b.tactic)),
    byCategory: [...byCategory.values()].sort((a, b) => b.items - a.items || (a.category < b.category ? -1 : 1)),
    trends,
  };
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
