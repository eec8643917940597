import { type Community, detectCommunities } from './communities.js';
import { type AccountGraph, cmp } from './graph.js';
import type { LinkType } from './links.js';

/** A violating decision on an item an account authored. */
export interface ViolationFact {
  accountId: string;
  decisionId: string;
  itemId: string;
  category: string | null;
  at: number;
}

/** A 'disable' action against an account that was requested or delivered (not cancelled, not dead). */
export interface DisableFact {
  accountId: string;
  actionId: string;
  itemId: string;
  at: number;
}

export interface NetworkFacts {
  violations?: readonly ViolationFact[];
  disables?: readonly DisableFact[];
  /** Communities already detected over this graph; detected here (seeded Louvain) when absent. */
  communities?: readonly Community[];
}

export const REASON_KINDS = [
  'violating_members', 'shared_bank_entries', 'disabled_members', 'shared_media', 'shared_devices', 'minor_contacts', 'shared_ips',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

/**
 * Points per counted thing. A member with a violating decision and a bank entry matched by several members are the
 * strongest signs of a harmful group; disabled members next; shared devices and media tie accounts to one actor;
 * each distinct minor contacted adds a little; a shared IP hash the least.
 */
export const REASON_POINTS: Readonly<Record<ReasonKind, number>> = {
  violating_members: 5,
  shared_bank_entries: 4,
  disabled_members: 3,
  shared_media: 2,
  shared_devices: 2,
  minor_contacts: 1,
  shared_ips: 0.5,
};

export type EvidenceType = 'decision' | 'item' | 'account' | 'bank_entry' | 'action' | 'media_sha256' | 'device' | 'ip';
export interface EvidenceRef {
  type: EvidenceType;
  id: string;
}

export interface RiskReason {
  kind: ReasonKind;
  count: number;
  points: number;
  summary: string;
  /** Ids behind the count (at most MAX_EVIDENCE), for drill-down. */
  evidence: EvidenceRef[];
}

export interface RankedCommunity {
  id: string;
  rank: number;
  score: number;
  size: number;
  /** Edges between members. */
  edges: number;
  members: string[];
  reasons: RiskReason[];
}

export const MAX_EVIDENCE = 25;

const SHARED_REASON: Partial<Record<LinkType, { kind: ReasonKind; noun: string; ref: EvidenceType }>> = {
  bank_entry: { kind: 'shared_bank_entries', noun: 'bank entries matched by two or more members', ref: 'bank_entry' },
  media: { kind: 'shared_media', noun: 'matched media files posted by two or more members', ref: 'media_sha256' },
  device: { kind: 'shared_devices', noun: 'devices used by two or more members', ref: 'device' },
  ip: { kind: 'shared_ips', noun: 'IP hashes used by two or more members', ref: 'ip' },
};

/**
 * Scores each community (of two or more accounts) by its reasons and ranks them, highest first; ties by size,
 * then id. Every reason names the ids it counted.
 */
export function rankCommunities(graph: AccountGraph, facts: NetworkFacts = {}): RankedCommunity[] {
  const communities = facts.communities ?? detectCommunities(graph);
  const violationsBy = groupBy(facts.violations ?? [], (v) => v.accountId);
  const disablesBy = groupBy(facts.disables ?? [], (d) => d.accountId);
  const scored = communities.map((c) => scoreCommunity(graph, c, violationsBy, disablesBy));
  scored.sort((a, b) => b.score - a.score || b.size - a.size || cmp(a.id, b.id));
  return scored.map((c, i) => ({ ...c, rank: i + 1 }));
}

function scoreCommunity(
  graph: AccountGraph, c: Community, violationsBy: Map<string, ViolationFact[]>, disablesBy: Map<string, DisableFact[]>,
): RankedCommunity {
  const members = new Set(c.members);
  const reasons: RiskReason[] = [];
  const add = (kind: ReasonKind, count: number, summary: string, evidence: EvidenceRef[]) => {
    if (count > 0) reasons.push({ kind, count, points: count * REASON_POINTS[kind], summary, evidence: evidence.slice(0, MAX_EVIDENCE) });
  };

  const violators = c.members.filter((m) => violationsBy.has(m));
  const decisions = violators.flatMap((m) => (violationsBy.get(m) ?? []).map((v): EvidenceRef => ({ type: 'decision', id: v.decisionId })));
  add('violating_members', violators.length, `${violators.length} of ${c.members.length} members have violating decisions (${decisions.length} decisions)`, [
    ...violators.map((id): EvidenceRef => ({ type: 'account', id })), ...decisions,
  ]);

  const disabled = c.members.filter((m) => disablesBy.has(m));
  add('disabled_members', disabled.length, `${disabled.length} members were disabled`, [
    ...disabled.map((id): EvidenceRef => ({ type: 'account', id })),
    ...disabled.flatMap((m) => (disablesBy.get(m) ?? []).map((d): EvidenceRef => ({ type: 'action', id: d.actionId }))),
  ]);

  // Keys shared inside the community, read off the edges between members.
  let edges = 0;
  const sharedKeys = new Map<LinkType, Map<string, Set<string>>>();
  for (const m of c.members) {
    graph.forEachEdge(m, (_e, attrs, source, target) => {
      const other = source === m ? target : source;
      if (!members.has(other) || other < m) return;
      edges++;
      for (const s of attrs.shared) {
        const byKey = sharedKeys.get(s.type) ?? new Map<string, Set<string>>();
        sharedKeys.set(s.type, byKey);
        const items = byKey.get(s.key) ?? new Set<string>();
        byKey.set(s.key, items);
        for (const id of s.itemIds) items.add(id);
      }
    });
  }
  for (const [type, spec] of Object.entries(SHARED_REASON) as [LinkType, NonNullable<(typeof SHARED_REASON)[LinkType]>][]) {
    const byKey = sharedKeys.get(type);
    if (!byKey) continue;
    const keys = [...byKey.keys()].sort(cmp);
    const items = [...new Set(keys.flatMap((k) => [...(byKey.get(k) ?? [])]))].sort(cmp);
    add(spec.kind, keys.length, `${keys.length} ${spec.noun}`, [
      ...keys.map((id): EvidenceRef => ({ type: spec.ref, id })), ...items.map((id): EvidenceRef => ({ type: 'item', id })),
    ]);
  }

  // Distinct minor-band accounts any member contacted (from each member's own keys, shared or not).
  const minors = new Map<string, string>();
  for (const m of c.members) {
    for (const [minor, itemId] of Object.entries(graph.getNodeAttributes(m).keys.minor_contact ?? {})) if (!minors.has(minor)) minors.set(minor, itemId);
  }
  const minorIds = [...minors.keys()].sort(cmp);
  const sharedMinors = sharedKeys.get('minor_contact')?.size ?? 0;
  add('minor_contacts', minorIds.length, `members contacted ${minorIds.length} distinct minor-band accounts (${sharedMinors} contacted by two or more members)`, [
    ...minorIds.flatMap((id): EvidenceRef[] => [{ type: 'account', id }, { type: 'item', id: minors.get(id) as string }]),
  ]);

  reasons.sort((a, b) => b.points - a.points || REASON_KINDS.indexOf(a.kind) - REASON_KINDS.indexOf(b.kind));
  const score = Math.round(reasons.reduce((s, r) => s + r.points, 0) * 100) / 100;
  return { id: c.id, rank: 0, score, size: c.members.length, edges, members: c.members, reasons };
}

export function groupBy<T>(values: readonly T[], key: (v: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const v of values) {
    const k = key(v);
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}
