import louvainModule from 'graphology-communities-louvain';
import { type AccountGraph, cmp } from './graph.js';

// The package is CommonJS whose module.exports is the function; its typings declare it as `default`.
const louvain = louvainModule as unknown as (typeof louvainModule)['default'];

/** The seed Louvain's random choices are drawn from: the same graph always splits the same way. */
export const LOUVAIN_SEED = 20240901;

export interface Community {
  /** `c_` + the smallest member account id: stable while the membership is (unlike Louvain's numbering). */
  id: string;
  /** Sorted account ids. */
  members: string[];
}

/** A small seeded generator (mulberry32): Louvain needs `() => number` in [0, 1). */
export function seededRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Louvain communities over the weighted account graph, with a fixed seed. Communities of one account are dropped
 * (nothing links them to anyone in the window). Ordered by size, then id.
 */
export function detectCommunities(graph: AccountGraph, opts: { seed?: number; resolution?: number } = {}): Community[] {
  if (graph.order === 0) return [];
  const mapping: Record<string, number> =
    graph.size === 0
      ? Object.fromEntries(graph.nodes().map((n, i) => [n, i]))
      : louvain(graph, { getEdgeWeight: 'weight', rng: seededRng(opts.seed ?? LOUVAIN_SEED), resolution: opts.resolution ?? 1 });
  const byCommunity = new Map<number, string[]>();
  for (const [node, c] of Object.entries(mapping)) {
    const list = byCommunity.get(c);
    if (list) list.push(node);
    else byCommunity.set(c, [node]);
  }
  const out: Community[] = [];
  for (const members of byCommunity.values()) {
    if (members.length < 2) continue;
    members.sort(cmp);
    out.push({ id: `c_${members[0]}`, members });
  }
  return out.sort((a, b) => b.members.length - a.members.length || cmp(a.id, b.id));
}
