import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyseNetworks, buildAccountGraph, detectBanEvasion, detectCommunities, LINK_WEIGHTS, type LinkRow, rankCommunities, repeatOffenders,
} from '../../../src/analytics/networks/index.js';

const row = (accountId: string, type: LinkRow['type'], key: string, itemId = `i_${accountId}_${key}`): LinkRow => ({ accountId, type, key, itemId });

/** Two clusters: a1..a4 share a bank entry, a device and minor targets; b1..b4 share an IP; one weak IP bridge a4-b1. */
function twoClusters(): LinkRow[] {
  const rows: LinkRow[] = [];
  for (const a of ['a1', 'a2', 'a3', 'a4']) {
    rows.push(row(a, 'bank_entry', 'E1'), row(a, 'device', 'D1'), row(a, 'minor_contact', 'm1'), row(a, 'minor_contact', 'm2'));
  }
  rows.push(row('a1', 'minor_contact', 'm3'));
  for (const b of ['b1', 'b2', 'b3', 'b4']) rows.push(row(b, 'ip', 'IP1'), row(b, 'device', `D_${b === 'b1' || b === 'b2' ? 'x' : 'y'}`));
  rows.push(row('a4', 'ip', 'IP9'), row('b1', 'ip', 'IP9'));
  rows.push(row('lonely', 'device', 'D_alone'));
  return rows;
}

test('the graph joins accounts on shared keys with per-type weights, and leaves out accounts that share nothing', () => {
  const { graph, stats } = buildAccountGraph(twoClusters());
  assert.equal(graph.hasNode('lonely'), false);
  assert.equal(graph.order, 8);
  const e = graph.getEdgeAttributes(graph.edge('a1', 'a2') as string);
  assert.equal(e.weight, LINK_WEIGHTS.bank_entry + LINK_WEIGHTS.device + 2 * LINK_WEIGHTS.minor_contact);
  assert.deepEqual(e.shared.map((s) => `${s.type}:${s.key}`), ['bank_entry:E1', 'minor_contact:m1', 'minor_contact:m2', 'device:D1']);
  assert.deepEqual(e.shared[0]?.itemIds, ['i_a1_E1', 'i_a2_E1']);
  assert.equal(graph.getEdgeAttributes(graph.edge('a4', 'b1') as string).weight, LINK_WEIGHTS.ip);
  assert.equal(stats.truncated, false);
});

test('hub keys make no edges and the node and edge caps truncate', () => {
  const rows = Array.from({ length: 6 }, (_, i) => row(`u${i}`, 'minor_contact', 'popular'));
  const hub = buildAccountGraph(rows, { maxAccountsPerKey: 5 });
  assert.equal(hub.graph.size, 0);
  assert.equal(hub.stats.hubKeys, 1);
  const capped = buildAccountGraph(rows, { maxNodes: 3 });
  assert.equal(capped.graph.order, 3);
  assert.equal(capped.stats.truncated, true);
  const fewEdges = buildAccountGraph(rows, { maxEdges: 4 });
  assert.equal(fewEdges.graph.size, 4);
  assert.equal(fewEdges.stats.truncated, true);
});

test('Louvain splits two obvious clusters the same way every time', () => {
  const first = detectCommunities(buildAccountGraph(twoClusters()).graph);
  assert.deepEqual(first.map((c) => c.members), [['a1', 'a2', 'a3', 'a4'], ['b1', 'b2', 'b3', 'b4']]);
  assert.deepEqual(first.map((c) => c.id), ['c_a1', 'c_b1']);
  for (let i = 0; i < 5; i++) assert.deepEqual(detectCommunities(buildAccountGraph([...twoClusters()].reverse()).graph), first);
});

test('communities rank by risk with reasons naming their evidence', () => {
  const violations = [
    { accountId: 'a2', decisionId: 'd1', itemId: 'i1', category: 'CSE-01', at: 1 },
    { accountId: 'a3', decisionId: 'd2', itemId: 'i2', category: 'CSE-01', at: 2 },
  ];
  const disables = [{ accountId: 'a2', actionId: 'x1', itemId: 'i1', at: 1 }];
  const { ranked } = analyseNetworks(twoClusters(), { violations, disables });
  assert.deepEqual(ranked.map((c) => [c.id, c.rank]), [['c_a1', 1], ['c_b1', 2]]);
  const top = ranked[0];
  assert.ok(top && ranked[1] && top.score > ranked[1].score);
  const reason = (k: string) => top?.reasons.find((r) => r.kind === k);
  assert.equal(reason('violating_members')?.count, 2);
  assert.deepEqual(reason('violating_members')?.evidence.filter((e) => e.type === 'decision').map((e) => e.id), ['d1', 'd2']);
  assert.equal(reason('shared_bank_entries')?.count, 1);
  assert.deepEqual(reason('shared_bank_entries')?.evidence.filter((e) => e.type === 'bank_entry').map((e) => e.id), ['E1']);
  assert.equal(reason('minor_contacts')?.count, 3, 'm3 counts though only a1 contacted it');
  assert.deepEqual(reason('disabled_members')?.evidence.filter((e) => e.type === 'action').map((e) => e.id), ['x1']);
  assert.equal(reason('shared_devices')?.count, 1);
  assert.equal(top?.reasons[0]?.kind, 'violating_members', 'reasons are ordered by the points they add');
  // Without any violation the device-and-bank cluster still outranks the IP-only one.
  assert.equal(rankCommunities(buildAccountGraph(twoClusters()).graph)[0]?.id, 'c_a1');
});

test('repeat offenders need at least N violating decisions', () => {
  const v = (accountId: string, n: number) => ({ accountId, decisionId: `d_${accountId}_${n}`, itemId: `i${n}`, category: n % 2 ? 'A' : 'B', at: n });
  const offenders = repeatOffenders([v('x', 1), v('x', 2), v('x', 3), v('y', 4), v('y', 5)], 3);
  assert.deepEqual(offenders.map((o) => [o.accountId, o.violations, o.categories]), [['x', 3, ['A', 'B']]]);
  assert.deepEqual(offenders[0]?.decisionIds, ['d_x_3', 'd_x_2', 'd_x_1']);
});

test('ban evasion: a newer account strongly linked to a disabled one is flagged; older or IP-only links are not', () => {
  const rows = [
    row('old', 'device', 'D1'), row('new', 'device', 'D1'), row('before', 'device', 'D1'),
    row('old', 'ip', 'IP'), row('iponly', 'ip', 'IP'),
    row('old', 'minor_contact', 'm1'), row('old', 'minor_contact', 'm2'), row('targets', 'minor_contact', 'm1'), row('targets', 'minor_contact', 'm2'),
    row('onetarget', 'minor_contact', 'm1'),
  ];
  const { graph } = buildAccountGraph(rows);
  const created = new Map([['old', 0], ['new', 200], ['before', 50], ['iponly', 300], ['targets', 300], ['onetarget', 300]]);
  const flags = detectBanEvasion(graph, [{ accountId: 'old', actionId: 'act1', itemId: 'i', at: 100 }], created);
  assert.deepEqual(flags.map((f) => f.accountId).sort(), ['new', 'targets']);
  const f = flags.find((x) => x.accountId === 'new');
  assert.deepEqual(f?.linkedTo.map((l) => [l.disabledAccountId, l.actionId, l.via.map((s) => s.type)]), [['old', 'act1', ['device']]]);
});
