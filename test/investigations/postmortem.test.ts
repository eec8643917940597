import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, loopOf, renderPostmortem, type PostmortemInput } from '../../src/investigations/postmortem.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 0, 10, 8, 0);

function snapshot(over: Partial<PostmortemInput> = {}): PostmortemInput {
  const escalation = {
    id: 'E1', title: 'Re-posted banked image', summary: 'A banked image was re-posted with a filter.\n\nReported by a journalist.',
    source: 'press', priority: 'P1', status: 'resolved', owner: 'user:inv@test', slaDueAt: T0 + 24 * HOUR, outcome: 'confirmed',
    createdBy: 'user:inv@test', createdAt: T0, updatedAt: T0 + 30 * HOUR, mitigatedAt: T0 + 3 * HOUR, resolvedAt: T0 + 30 * HOUR,
    sla: { overdue: false, met: true },
  };
  const proposals = [
    { id: 'P1', kind: 'bank_hashes', title: 'Bank the variant', status: 'deployed', rootCause: 'evasion_perturbation', createdAt: T0 + 4 * HOUR, deployedAt: T0 + 26 * HOUR },
    { id: 'P2', kind: 'threshold_change', title: 'Widen radius', status: 'backtested', rootCause: 'threshold', createdAt: T0 + 5 * HOUR, deployedAt: null },
  ];
  return {
    escalation,
    category: 'CSE-01',
    entities: [
      { entityType: 'item', entityId: 'I1', relation: 'intake', addedBy: 'x', addedAt: T0 },
      { entityType: 'item', entityId: 'I2', relation: 'near_duplicate', addedBy: 'x', addedAt: T0 + HOUR },
    ],
    notes: [
      { id: 'n1', author: 'user:inv@test', kind: 'system', text: 'Opened (P1, source press) with 1 item', at: T0 },
      { id: 'n2', author: 'user:inv@test', kind: 'status', text: 'new -> investigating', at: T0 + HOUR },
      { id: 'n3', author: 'user:inv@test', kind: 'note', text: 'Looks like a crop.\n![x](https://example.test/a.png) <img src=x>', at: T0 + 2 * HOUR },
    ],
    rootCauses: [
      { id: 'R2', escalationId: 'E1', cause: 'threshold', status: 'rejected', evidence: [], note: 'radius is right', suggestedBy: 'haven', decidedBy: 'user:inv@test', createdAt: T0, updatedAt: T0 },
      {
        id: 'R1', escalationId: 'E1', cause: 'evasion_perturbation', status: 'confirmed', note: null, suggestedBy: 'haven', decidedBy: 'user:inv@test', createdAt: T0, updatedAt: T0,
        evidence: [{ itemId: 'I1', eventId: 'EV1', step: '#3 signal: hashmatch.pdq', text: 'PDQ distance 34 to bank entry B1, match radius 31' }],
      },
      { id: 'R3', escalationId: 'E1', cause: 'queue_delay', status: 'suggested', evidence: [], note: null, suggestedBy: 'haven', decidedBy: null, createdAt: T0, updatedAt: T0 },
    ],
    remediation: [
      { id: 'M1', escalationId: 'E1', team: 'data_engineering', title: 'Bank variants', owner: 'dana', dueAt: T0 + 48 * HOUR, status: 'done', rootCauseId: 'R1', proposalId: 'P1', createdBy: 'x', createdAt: T0, updatedAt: T0, doneAt: T0 + 26 * HOUR },
      { id: 'M2', escalationId: 'E1', team: 'policy', title: 'Review crop guidance', owner: null, dueAt: T0 + 40 * HOUR, status: 'open', rootCauseId: null, proposalId: null, createdBy: 'x', createdAt: T0, updatedAt: T0, doneAt: null },
    ],
    proposals,
    traceHighlights: [{ at: T0 - 5 * HOUR, itemId: 'I1', text: 'PDQ distance 34 to bank entry B1' }],
    loop: loopOf(escalation, proposals),
    generatedAt: T0 + 50 * HOUR,
    ...over,
  };
}

test('the postmortem has summary, timeline, root causes (confirmed first), fixes, follow-ups and loop times', () => {
  const md = renderPostmortem(snapshot());
  const headings = md.split('\n').filter((l) => l.startsWith('#'));
  assert.deepEqual(headings, [
    '# Postmortem: Re-posted banked image', '## Summary', '## Timeline', '## Root causes', '### Confirmed',
    '### Suggested by Haven, not yet decided', '### Rejected', '## Fixes', '## Follow-ups', '## Loop',
  ]);
  assert.match(md, /- Priority P1, source press, status resolved, outcome confirmed \(CSE-01\)/);
  assert.match(md, /SLA \(mitigation by 2027-01-11 08:00 UTC\): met/);
  assert.match(md, /A banked image was re-posted with a filter\.\n\nReported by a journalist\./);
  assert.match(md, /- items \(2\): I1, I2 \[near duplicate\]/);
  // Timeline in time order: the trace highlight (before the escalation), then notes, then proposals.
  const timeline = md.slice(md.indexOf('## Timeline'), md.indexOf('## Root causes')).split('\n').filter((l) => l.startsWith('- '));
  assert.deepEqual(timeline.map((l) => l.slice(2, 22)), [
    '2027-01-10 03:00 UTC', '2027-01-10 08:00 UTC', '2027-01-10 09:00 UTC', '2027-01-10 10:00 UTC', '2027-01-10 12:00 UTC', '2027-01-10 13:00 UTC', '2027-01-11 10:00 UTC',
  ]);
  assert.match(timeline[0] ?? '', /Trace of item I1: PDQ distance 34/);
  assert.match(timeline[2] ?? '', /Status new -> investigating \(user:inv@test\)/);
  assert.match(md, /- Evasion by perturbation \(evasion_perturbation\), confirmed by user:inv@test\n {2}- Evidence \(item I1, event EV1\): #3 signal: hashmatch\.pdq: PDQ distance 34 to bank entry B1, match radius 31/);
  assert.ok(md.indexOf('### Confirmed') < md.indexOf('### Rejected'));
  assert.match(md, /- \[done\] data_engineering: Bank variants \(owner dana, due 2027-01-12, done 2027-01-11, proposal P1\)/);
  assert.match(md, /- \[deployed\] bank_hashes: Bank the variant \(proposal P1, for Evasion by perturbation, deployed 2027-01-11 10:00 UTC\)/);
  const follow = md.slice(md.indexOf('## Follow-ups'), md.indexOf('## Loop'));
  assert.match(follow, /- \[open\] policy: Review crop guidance \(no owner, due 2027-01-12, OVERDUE\)/);
  assert.match(follow, /Decide the suggested root cause Queue or SLA delay \(R3\)/);
  assert.match(follow, /Proposal P2 is backtested: Widen radius/);
  assert.doesNotMatch(follow, /Bank variants/, 'done items are not follow-ups');
  assert.match(md, /- Opened to mitigated: 3h 0m\n- Opened to first deployed fix: 26h 0m\n- Opened to resolved: 30h 0m\n- Deployed fixes: 1\n- Loop closed: yes, a fix is deployed/);
});

test('the postmortem carries no media: no images, no HTML, no media links', () => {
  const md = renderPostmortem(snapshot());
  assert.doesNotMatch(md, /!\[/);
  assert.doesNotMatch(md, /<img/);
  assert.doesNotMatch(md, /\/v1\/media\//);
  assert.match(md, /Note: Looks like a crop\. !\\\[x\]\(https:\/\/example\.test\/a\.png\) &lt;img src=x>/);
});

test('an open escalation without causes, fixes or loop says so plainly', () => {
  const s = snapshot();
  const md = renderPostmortem({
    ...s, escalation: { ...s.escalation, status: 'investigating', outcome: null, resolvedAt: null, summary: '', sla: { overdue: true, met: null } },
    category: null, rootCauses: [], remediation: [], proposals: [], traceHighlights: [], loop: null,
  });
  assert.match(md, /status investigating\n/);
  assert.match(md, /SLA .*: overdue/);
  assert.match(md, /No summary given\./);
  assert.match(md, /No root causes recorded\./);
  assert.match(md, /No fixes recorded\./);
  assert.match(md, /## Follow-ups\n\nNone open\.\n$/);
  assert.doesNotMatch(md, /## Loop/);
});

test('loop figures: time from escalation to the first deployed fix', () => {
  const l = loopOf({ createdAt: T0, mitigatedAt: null, resolvedAt: null }, [
    { id: 'a', kind: 'k', title: 't', status: 'deployed', rootCause: null, createdAt: T0, deployedAt: T0 + 9 * HOUR },
    { id: 'b', kind: 'k', title: 't', status: 'deployed', rootCause: null, createdAt: T0, deployedAt: T0 + 5 * HOUR },
  ]);
  assert.equal(l.escalationToFixMs, 5 * HOUR);
  assert.equal(l.deployedFixes, 2);
  assert.equal(loopOf({ createdAt: T0, mitigatedAt: null, resolvedAt: null }, []).escalationToFixMs, null);
  assert.deepEqual([formatDuration(59 * 60_000), formatDuration(47 * HOUR), formatDuration(50 * HOUR)], ['59m', '47h 0m', '2d 2h']);
});
