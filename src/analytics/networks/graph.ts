import { UndirectedGraph } from 'graphology';
import { DEFAULT_GRAPH_BOUNDS, type GraphBounds, LINK_TYPES, LINK_WEIGHTS, type LinkRow, type LinkType } from './links.js';

/** Per account: the keys it holds per link type, each with one item that shows it (bounded). */
export interface AccountNode {
  keys: Partial<Record<LinkType, Record<string, string>>>;
}

/** One shared key between two accounts, with the items of both that show it. */
export interface SharedKey {
  type: LinkType;
  key: string;
  itemIds: string[];
}

export interface AccountEdge {
  weight: number;
  shared: SharedKey[];
}

export type AccountGraph = UndirectedGraph<AccountNode, AccountEdge>;

export interface BuildStats {
  rows: number;
  /** Keys that made no edges because too many accounts hold them. */
  hubKeys: number;
  truncated: boolean;
}

export interface BuiltGraph {
  graph: AccountGraph;
  stats: BuildStats;
}

const typeOrder = (t: LinkType) => LINK_TYPES.indexOf(t);

/**
 * Builds the account graph from link rows: accounts sharing a (type, key) are joined, and each shared key adds
 * LINK_WEIGHTS[type] to their edge. Pure and deterministic: keys and accounts are visited in sorted order, so the
 * same rows always give the same graph (and so the same Louvain communities under a fixed seed).
 */
export function buildAccountGraph(rows: readonly LinkRow[], bounds: Partial<GraphBounds> = {}): BuiltGraph {
  const b = { ...DEFAULT_GRAPH_BOUNDS, ...bounds };
  const graph: AccountGraph = new UndirectedGraph<AccountNode, AccountEdge>();
  let truncated = false;
  let hubKeys = 0;

  // Group by (type, key): account -> first item (rows arrive newest first; the first item seen is kept).
  const groups = new Map<string, { type: LinkType; key: string; holders: Map<string, string> }>();
  for (const r of rows) {
    if (!graph.hasNode(r.accountId)) {
      if (graph.order >= b.maxNodes) {
        truncated = true;
        continue;
      }
      graph.addNode(r.accountId, { keys: {} });
    }
    const node = graph.getNodeAttributes(r.accountId);
    const held = (node.keys[r.type] ??= {});
    if (!(r.key in held) && Object.keys(held).length < b.maxKeysPerNode) held[r.key] = r.itemId;
    const gid = `${r.type}\u0000${r.key}`;
    let g = groups.get(gid);
    if (!g) {
      g = { type: r.type, key: r.key, holders: new Map() };
      groups.set(gid, g);
    }
    if (!g.holders.has(r.accountId)) g.holders.set(r.accountId, r.itemId);
  }

  const sorted = [...groups.values()].sort((x, y) => typeOrder(x.type) - typeOrder(y.type) || cmp(x.key, y.key));
  outer: for (const g of sorted) {
    if (g.holders.size < 2) continue;
    if (g.holders.size > b.maxAccountsPerKey) {
      hubKeys++;
      continue;
    }
    const holders = [...g.holders.keys()].sort(cmp);
    for (let i = 0; i < holders.length; i++) {
      for (let j = i + 1; j < holders.length; j++) {
        const a = holders[i] as string;
        const c = holders[j] as string;
        const evidence = [...new Set([g.holders.get(a) as string, g.holders.get(c) as string])];
        const existing = graph.edge(a, c);
        if (existing === undefined) {
          if (graph.size >= b.maxEdges) {
            truncated = true;
            break outer;
          }
          graph.addEdge(a, c, { weight: LINK_WEIGHTS[g.type], shared: [{ type: g.type, key: g.key, itemIds: evidence }] });
          continue;
        }
        const attrs = graph.getEdgeAttributes(existing);
        attrs.weight += LINK_WEIGHTS[g.type];
        if (attrs.shared.length < b.maxEvidencePerEdge) attrs.shared.push({ type: g.type, key: g.key, itemIds: evidence });
      }
    }
  }
  // Accounts that share nothing with anyone are not part of any network.
  for (const n of graph.nodes()) if (graph.degree(n) === 0) graph.dropNode(n);
  return { graph, stats: { rows: rows.length, hubKeys, truncated } };
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
