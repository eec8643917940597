import type { Queryable } from '../../store/db.js';
import { type AccountSummary, accountSummaries, loadNetworkInputs, type NetworkWindow } from '../../store/repos/analytics-networks.js';
import { analyseNetworks, communityView, type NetworkAnalysis } from './index.js';
import { DEFAULT_GRAPH_BOUNDS, type GraphBounds } from './links.js';
import { type BanEvasionFlag, detectBanEvasion, type RepeatOffender, repeatOffenders } from './offenders.js';
import type { DisableFact, RankedCommunity, ViolationFact } from './risk.js';

// The one place the network analysis meets the store: load a window's rows, then hand them to the pure functions.
// Routes and the CLI both call these, so they answer the same.

export const DEFAULT_NETWORK_WINDOW = '30d';
/** Members listed per community in the ranking (the network view lists them all). */
export const MAX_LISTED_MEMBERS = 100;

export interface LoadedNetworks {
  window: NetworkWindow;
  analysis: NetworkAnalysis;
  violations: ViolationFact[];
  disables: DisableFact[];
  capped: string[];
}

export async function loadNetworks(q: Queryable, window: NetworkWindow, bounds: Partial<GraphBounds> = {}): Promise<LoadedNetworks> {
  const inputs = await loadNetworkInputs(q, window);
  const analysis = analyseNetworks(inputs.rows, inputs, bounds);
  return { window, analysis, violations: inputs.violations, disables: inputs.disables, capped: inputs.capped };
}

function describe(loaded: LoadedNetworks) {
  return {
    window: { from: new Date(loaded.window.from).toISOString(), to: new Date(loaded.window.to).toISOString() },
    stats: { ...loaded.analysis.stats, cappedQueries: loaded.capped },
    bounds: { ...DEFAULT_GRAPH_BOUNDS },
  };
}

export interface RankedCommunityOut extends Omit<RankedCommunity, 'members'> {
  members: { id: string; externalId: string | null }[];
}

async function withExternalIds(q: Queryable, c: RankedCommunity, limit: number): Promise<RankedCommunityOut> {
  const listed = c.members.slice(0, limit);
  const accounts = await accountSummaries(q, listed);
  return { ...c, members: listed.map((id) => ({ id, externalId: accounts.get(id)?.externalId ?? null })) };
}

/** Ranked communities of the window, highest risk first. */
export async function networkRanking(q: Queryable, window: NetworkWindow, opts: { limit: number }) {
  const loaded = await loadNetworks(q, window);
  const top = loaded.analysis.ranked.slice(0, opts.limit);
  const communities: RankedCommunityOut[] = [];
  for (const c of top) communities.push(await withExternalIds(q, c, MAX_LISTED_MEMBERS));
  return { ...describe(loaded), communities };
}

/** One community (by id, or the one an account is in) as nodes and edges; null when there is none. */
export async function networkView(q: Queryable, window: NetworkWindow, find: { communityId?: string; accountId?: string }) {
  const loaded = await loadNetworks(q, window);
  const community = loaded.analysis.ranked.find((c) =>
    find.communityId !== undefined ? c.id === find.communityId : find.accountId !== undefined && c.members.includes(find.accountId));
  if (!community) return null;
  const view = communityView(loaded.analysis.graph, community.members, loaded);
  const accounts = await accountSummaries(q, community.members);
  return {
    ...describe(loaded),
    community: await withExternalIds(q, community, community.members.length),
    nodes: view.nodes.map((n) => ({ ...n, ...summaryOf(accounts.get(n.id)) })),
    edges: view.edges,
  };
}

function summaryOf(a: AccountSummary | undefined) {
  return { externalId: a?.externalId ?? null, ageBand: a?.ageBand ?? null, createdAt: a?.createdAt ?? null };
}

export async function repeatOffenderReport(q: Queryable, window: NetworkWindow, opts: { min: number; limit: number }) {
  const { violations, capped } = await loadNetworkInputs(q, window);
  const offenders: RepeatOffender[] = repeatOffenders(violations, opts.min).slice(0, opts.limit);
  const accounts = await accountSummaries(q, offenders.map((o) => o.accountId));
  return {
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    min: opts.min,
    cappedQueries: capped,
    offenders: offenders.map((o) => ({ ...o, externalId: accounts.get(o.accountId)?.externalId ?? null })),
  };
}

export async function banEvasionReport(q: Queryable, window: NetworkWindow, opts: { limit: number }) {
  const loaded = await loadNetworks(q, window);
  const { graph } = loaded.analysis;
  // Only the neighbours of disabled accounts can be flagged: their creation times are all that is read.
  const candidates = new Set<string>();
  for (const d of loaded.disables) if (graph.hasNode(d.accountId)) for (const n of graph.neighbors(d.accountId)) candidates.add(n);
  const accounts = await accountSummaries(q, [...candidates]);
  const createdAt = new Map([...accounts].map(([id, a]) => [id, a.createdAt]));
  const flags: BanEvasionFlag[] = detectBanEvasion(graph, loaded.disables, createdAt).slice(0, opts.limit);
  const disabledAccounts = await accountSummaries(q, [...new Set(flags.flatMap((f) => f.linkedTo.map((l) => l.disabledAccountId)))]);
  return {
    ...describe(loaded),
    flags: flags.map((f) => ({
      ...f,
      externalId: accounts.get(f.accountId)?.externalId ?? null,
      linkedTo: f.linkedTo.map((l) => ({ ...l, disabledExternalId: disabledAccounts.get(l.disabledAccountId)?.externalId ?? null })),
    })),
  };
}
