import { type Community, detectCommunities } from './communities.js';
import { type AccountEdge, type AccountGraph, type BuildStats, buildAccountGraph, cmp } from './graph.js';
import type { GraphBounds, LinkRow } from './links.js';
import { type DisableFact, groupBy, type RankedCommunity, rankCommunities, type ViolationFact } from './risk.js';

export * from './communities.js';
export * from './graph.js';
export * from './links.js';
export * from './offenders.js';
export * from './risk.js';

export interface NetworkAnalysis {
  graph: AccountGraph;
  stats: BuildStats & { nodes: number; edges: number; communities: number };
  communities: Community[];
  ranked: RankedCommunity[];
}

/** Rows and facts to ranked communities: build, detect (seeded Louvain), rank. */
export function analyseNetworks(
  rows: readonly LinkRow[],
  facts: { violations?: readonly ViolationFact[]; disables?: readonly DisableFact[] } = {},
  bounds: Partial<GraphBounds> = {},
): NetworkAnalysis {
  const { graph, stats } = buildAccountGraph(rows, bounds);
  const communities = detectCommunities(graph);
  const ranked = rankCommunities(graph, { ...facts, communities });
  return { graph, communities, ranked, stats: { ...stats, nodes: graph.order, edges: graph.size, communities: communities.length } };
}

export interface NetworkNode {
  id: string;
  violations: number;
  disabled: boolean;
  minorContacts: number;
  /** Keys held per link type (counts). */
  keys: Record<string, number>;
}

export interface NetworkEdge {
  source: string;
  target: string;
  weight: number;
  shared: AccountEdge['shared'];
}

/** Nodes and edges of one community, for a network view. */
export function communityView(
  graph: AccountGraph, members: readonly string[], facts: { violations?: readonly ViolationFact[]; disables?: readonly DisableFact[] } = {},
): { nodes: NetworkNode[]; edges: NetworkEdge[] } {
  const set = new Set(members);
  const violations = groupBy(facts.violations ?? [], (v) => v.accountId);
  const disabled = new Set((facts.disables ?? []).map((d) => d.accountId));
  const nodes = [...set].filter((m) => graph.hasNode(m)).sort(cmp).map((id): NetworkNode => {
    const keys = graph.getNodeAttributes(id).keys;
    return {
      id,
      violations: violations.get(id)?.length ?? 0,
      disabled: disabled.has(id),
      minorContacts: Object.keys(keys.minor_contact ?? {}).length,
      keys: Object.fromEntries(Object.entries(keys).map(([t, k]) => [t, Object.keys(k ?? {}).length])),
    };
  });
  const edges: NetworkEdge[] = [];
  for (const n of nodes) {
    graph.forEachEdge(n.id, (_e, attrs, source, target) => {
      const other = source === n.id ? target : source;
      if (set.has(other) && n.id < other) edges.push({ source: n.id, target: other, weight: attrs.weight, shared: attrs.shared });
    });
  }
  return { nodes, edges };
}
