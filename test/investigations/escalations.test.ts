import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALLOWED_TRANSITIONS, ESCALATION_STATUSES, escalationIntakeSchema, PRIORITY_SLA_MS, slaDueAt, slaState, statusChangeSchema, transitionProblem,
} from '../../src/investigations/escalations.js';
import { groupBoard, isRemediationOverdue, REMEDIATION_TEAMS } from '../../src/investigations/remediation.js';
import { ROOT_CAUSE_INFO, ROOT_CAUSES, rootCauseSchema } from '../../src/investigations/root-causes.js';

const HOUR = 3_600_000;
const NOW = 1_800_000_000_000;

test('SLAs per priority: P0 4 hours, P1 24 hours, P2 3 days, P3 7 days', () => {
  assert.deepEqual(PRIORITY_SLA_MS, { P0: 4 * HOUR, P1: 24 * HOUR, P2: 72 * HOUR, P3: 168 * HOUR });
  assert.equal(slaDueAt('P0', NOW), NOW + 4 * HOUR);
  assert.equal(slaDueAt('P3', NOW), NOW + 7 * 24 * HOUR);
});

test('SLA state: overdue while unmitigated past due; met or missed once mitigated or resolved', () => {
  const due = NOW + 4 * HOUR;
  assert.deepEqual(slaState({ slaDueAt: due, mitigatedAt: null, resolvedAt: null }, NOW), { dueAt: due, overdue: false, met: null });
  assert.deepEqual(slaState({ slaDueAt: due, mitigatedAt: null, resolvedAt: null }, due + 1), { dueAt: due, overdue: true, met: null });
  assert.deepEqual(slaState({ slaDueAt: due, mitigatedAt: due - 1, resolvedAt: null }, due + HOUR), { dueAt: due, overdue: false, met: true });
  assert.deepEqual(slaState({ slaDueAt: due, mitigatedAt: null, resolvedAt: due + 1 }, due + HOUR), { dueAt: due, overdue: false, met: false });
});

test('the workflow: new -> investigating -> mitigated -> resolved; resolved is final; resolving needs an outcome', () => {
  assert.equal(transitionProblem('new', 'investigating', null), null);
  assert.equal(transitionProblem('investigating', 'mitigated', null), null);
  assert.equal(transitionProblem('mitigated', 'resolved', 'confirmed'), null);
  assert.equal(transitionProblem('mitigated', 'investigating', null), null, 'a recurrence reopens the investigation');
  assert.equal(transitionProblem('new', 'resolved', 'false_positive'), null, 'nothing to it: closed at triage');
  assert.match(transitionProblem('new', 'mitigated', null) ?? '', /a new escalation can move to investigating or resolved, not mitigated/);
  assert.match(transitionProblem('investigating', 'resolved', null) ?? '', /resolving needs an outcome: false_positive, confirmed, valuable_signal/);
  assert.match(transitionProblem('investigating', 'mitigated', 'confirmed') ?? '', /an outcome is given only when resolving/);
  assert.match(transitionProblem('resolved', 'investigating', null) ?? '', /final/);
  assert.match(transitionProblem('investigating', 'investigating', null) ?? '', /already investigating/);
  for (const s of ESCALATION_STATUSES) assert.ok(!ALLOWED_TRANSITIONS[s].includes(s), `${s} does not move to itself`);
});

test('intake and status inputs are validated with the field named', () => {
  const ok = escalationIntakeSchema.parse({ title: 'Reported by press', source: 'press', priority: 'P1', entities: { items: [{ externalId: 'x' }] } });
  assert.deepEqual(ok.entities, { items: [{ externalId: 'x' }], accounts: [], conversations: [], bankEntries: [] });
  assert.equal(ok.summary, '');
  const bad = escalationIntakeSchema.safeParse({ title: '', source: 'rumour', priority: 'P9', entities: { items: [{ id: 'a', externalId: 'b' }] } });
  assert.ok(!bad.success);
  const paths = bad.error.issues.map((i) => i.path.join('.'));
  assert.deepEqual(paths.sort(), ['entities.items.0', 'priority', 'source', 'title']);
  assert.match(bad.error.issues.find((i) => i.path[0] === 'priority')?.message ?? '', /P0, P1, P2, P3/);
  const cat = statusChangeSchema.safeParse({ status: 'resolved', outcome: 'false_positive', category: 'CSE-01' });
  assert.ok(!cat.success);
  assert.deepEqual(cat.error.issues.map((i) => i.path.join('.')), ['category']);
});

test('root-cause taxonomy: every cause has a label and a definition', () => {
  assert.equal(ROOT_CAUSES.length, 11);
  for (const c of ROOT_CAUSES) {
    assert.ok(ROOT_CAUSE_INFO[c].label.length > 0 && ROOT_CAUSE_INFO[c].definition.endsWith('.'), c);
  }
  assert.equal(rootCauseSchema.parse('evasion_perturbation'), 'evasion_perturbation');
  assert.match(rootCauseSchema.safeParse('bad_luck').error?.issues[0]?.message ?? '', /a root cause is one of detection_gap/);
});

test('the board groups open items by team, overdue first, every team listed', () => {
  const base = { escalationId: 'E1', owner: null, status: 'open', escalationTitle: 't', escalationPriority: 'P1' };
  const items = [
    { ...base, id: 'a', team: 'engineering', title: 'later', dueAt: NOW + 10 * HOUR },
    { ...base, id: 'b', team: 'engineering', title: 'late', dueAt: NOW - HOUR },
    { ...base, id: 'c', team: 'engineering', title: 'undated', dueAt: null },
    { ...base, id: 'd', team: 'legal', title: 'soon', dueAt: NOW + HOUR, status: 'in_progress' },
  ];
  const board = groupBoard(items, NOW);
  assert.deepEqual(board.map((c) => c.team), [...REMEDIATION_TEAMS]);
  const eng = board.find((c) => c.team === 'engineering');
  assert.deepEqual(eng?.items.map((i) => [i.id, i.overdue]), [['b', true], ['a', false], ['c', false]]);
  assert.equal(eng?.overdue, 1);
  assert.equal(board.find((c) => c.team === 'product')?.items.length, 0);
  assert.equal(isRemediationOverdue({ dueAt: NOW - 1, status: 'done' }, NOW), false, 'done is never overdue');
});
