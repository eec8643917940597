// Analytics API client: trends and spikes, tactics, behaviour networks, and the read-only SQL console.
import { json, request } from './api.js';
import type { HashEvasionReport } from '../../src/analytics/tactics/hash-evasion.js';

export interface VolumePoint {
  at: number;
  key: Record<string, string>;
  count: number;
  /** GET this to list the items behind the point. */
  drill: string;
}
export interface Volumes {
  metric: string;
  by: string[];
  bucket: 'day' | 'hour';
  from: number;
  to: number;
  dimensions: string[];
  points: VolumePoint[];
}

export type Slice = { kind: 'category_surface'; category: string; surface: string } | { kind: 'detector'; detector: string };
export interface SpikeAlert {
  slice: Slice;
  label: string;
  bucket: 'day' | 'hour';
  at: number;
  value: number;
  baseline: { method: string; points: { at: number; count: number }[]; median: number; mad: number };
  score: number;
  items: string[];
  drill: string;
}
export interface Spikes {
  bucket: string;
  at: number;
  method: string;
  alerts: SpikeAlert[];
}

export interface TacticPoint {
  day: string;
  dayStart: number;
  tactic: string;
  items: number;
  texts: number;
  itemIds: string[];
  idsTruncated: boolean;
}
export interface TacticsReport {
  window: { from: number; to: number };
  texts: number;
  textsWithTactics: number;
  days: { day: string; dayStart: number; texts: number }[];
  points: TacticPoint[];
  byCategory: { category: string; tactic: string; items: number; itemIds: string[]; idsTruncated: boolean }[];
  trends: { tactic: string; items: number; recent: number; earlier: number; logRatio: number; pValue: number; rising: boolean }[];
}
export interface EmergingTerms {
  recentDocuments: number;
  baselineDocuments: number;
  terms: { term: string; n: number; recent: number; baseline: number; logRatio: number; pValue: number; exampleItemIds: string[] }[];
}
// The hash-evasion report is sent as the server builds it (times stay epoch ms), so its types are the server's own.
export type { EvasionEntry, EvasionFamily, HashEvasionReport as HashEvasion } from '../../src/analytics/tactics/hash-evasion.js';

export interface EvidenceRef {
  type: 'decision' | 'item' | 'account' | 'bank_entry' | 'action' | 'media_sha256' | 'device' | 'ip';
  id: string;
}
export interface RiskReason {
  kind: string;
  count: number;
  points: number;
  summary: string;
  evidence: EvidenceRef[];
}
export interface Community {
  id: string;
  rank: number;
  score: number;
  size: number;
  edges: number;
  members: { id: string; externalId: string | null }[];
  reasons: RiskReason[];
}
export interface NetworkStats {
  truncated?: boolean;
  cappedQueries?: string[];
  [key: string]: unknown;
}
export interface Networks {
  window: { from: string; to: string };
  stats: NetworkStats;
  communities: Community[];
}
export interface NetworkNode {
  id: string;
  externalId: string | null;
  ageBand: string | null;
  violations: number;
  disabled: boolean;
  minorContacts: number;
  keys: Record<string, number>;
}
export interface NetworkEdge {
  source: string;
  target: string;
  weight: number;
  shared: { type: string; key: string; itemIds: string[] }[];
}
export interface NetworkView {
  community: Community;
  nodes: NetworkNode[];
  edges: NetworkEdge[];
}
export interface RepeatOffenders {
  offenders: { accountId: string; externalId: string | null; violations: number; categories: string[]; lastAt: number; itemIds: string[] }[];
}
export interface BanEvasion {
  flags: {
    accountId: string;
    externalId: string | null;
    createdAt: number;
    score: number;
    linkedTo: { disabledAccountId: string; disabledExternalId: string | null; disabledAt: number; actionId: string; via: { type: string; key: string; itemIds: string[] }[] }[];
  }[];
}

export interface SqlResult {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}
export interface ViewDoc {
  name: string;
  description: string;
  columns: Record<string, string>;
}

type Params = Record<string, string | number | undefined>;
const enc = encodeURIComponent;

export const analyticsApi = {
  volumes: (q: Params) => json<Volumes>('/v1/analytics/volumes', { query: q }),
  spikes: (q: Params) => json<Spikes>('/v1/analytics/spikes', { query: q }),
  /** Follows a `drill` link from a volume point or spike alert. */
  drill: (url: string) => json<{ items: string[] }>(url),
  tactics: (since: string) => json<TacticsReport>('/v1/analytics/tactics', { query: { since } }),
  emergingTerms: (since: string, baseline: string) => json<EmergingTerms>('/v1/analytics/emerging-terms', { query: { since, baseline } }),
  hashEvasion: (since: string) => json<HashEvasionReport>('/v1/analytics/hash-evasion', { query: { since } }),
  networks: (since: string) => json<Networks>('/v1/analytics/networks', { query: { since, limit: 20 } }),
  network: (id: string, since: string) => json<NetworkView>(`/v1/analytics/networks/${enc(id)}`, { query: { since } }),
  repeatOffenders: (since: string) => json<RepeatOffenders>('/v1/analytics/repeat-offenders', { query: { since } }),
  banEvasion: (since: string) => json<BanEvasion>('/v1/analytics/ban-evasion', { query: { since } }),
  views: () => json<{ views: ViewDoc[]; limits: Record<string, number> }>('/v1/analytics/views'),
  sql: (sql: string) => json<SqlResult>('/v1/analytics/sql', { method: 'POST', body: { sql } }),
  /** Runs the statement again with ?format=csv|parquet and hands the file to the browser. */
  async download(sql: string, format: 'csv' | 'parquet'): Promise<void> {
    const res = await request(`/v1/analytics/sql?format=${format}`, { method: 'POST', body: { sql } });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `query.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
