import type { Escalation, EscalationEntity, EscalationNote, LinkedProposal, RemediationItem, RootCauseRecord } from '../store/repos/escalations.js';
import { isRemediationOverdue, OPEN_REMEDIATION_STATUSES } from './remediation.js';
import { rootCauseLabel } from './root-causes.js';

// The postmortem of an escalation as plain Markdown: headings, lists and text. It names items and accounts by id
// and never carries media (no images, previews or media links), so it can be shared beyond the cleared roles.

export interface TraceHighlight {
  at: number | null;
  itemId: string | null;
  text: string;
}

/** How far the escalation got towards a deployed fix, and how fast. */
export interface LoopFigures {
  openedAt: number;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  firstFixDeployedAt: number | null;
  /** From opening the escalation to the first deployed fix (a proposal deployed as a new configuration or bank change). */
  escalationToFixMs: number | null;
  deployedFixes: number;
  /** Whether the failure recurred after the fix was deployed (the feedback loop's watch), when known. */
  recurred?: boolean | null;
}

export function loopOf(e: Pick<Escalation, 'createdAt' | 'mitigatedAt' | 'resolvedAt'>, proposals: readonly LinkedProposal[]): LoopFigures {
  const deployed = proposals.flatMap((p) => (p.deployedAt !== null ? [p.deployedAt] : [])).sort((a, b) => a - b);
  const first = deployed[0] ?? null;
  return {
    openedAt: e.createdAt, mitigatedAt: e.mitigatedAt, resolvedAt: e.resolvedAt, firstFixDeployedAt: first,
    escalationToFixMs: first === null ? null : Math.max(0, first - e.createdAt), deployedFixes: deployed.length,
  };
}

export interface PostmortemInput {
  escalation: Escalation & { sla?: { overdue: boolean; met: boolean | null } };
  category?: string | null;
  entities: readonly EscalationEntity[];
  notes: readonly EscalationNote[];
  rootCauses: readonly RootCauseRecord[];
  remediation: readonly RemediationItem[];
  proposals?: readonly LinkedProposal[];
  traceHighlights?: readonly TraceHighlight[];
  loop?: LoopFigures | null;
  generatedAt: number;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One line of text, with nothing that renders as an image or HTML. */
function inline(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(/</g, '&lt;').replace(/!\[/g, '!\\[');
}

function paragraphs(s: string): string[] {
  return s.split(/\n\s*\n/).map(inline).filter((p) => p.length > 0);
}

function slaLine(input: PostmortemInput): string {
  const e = input.escalation;
  const state = e.sla?.met === true ? 'met' : e.sla?.met === false ? 'missed' : e.sla?.overdue ? 'overdue' : 'open';
  return `SLA (mitigation by ${when(e.slaDueAt)}): ${state}`;
}

function timeline(input: PostmortemInput): string[] {
  const rows: { at: number; order: number; text: string }[] = [];
  input.notes.forEach((n, i) => {
    const what = n.kind === 'status' ? `Status ${inline(n.text)}` : n.kind === 'system' ? inline(n.text) : `Note: ${inline(n.text)}`;
    rows.push({ at: n.at, order: i, text: `${what} (${inline(n.author)})` });
  });
  for (const h of input.traceHighlights ?? []) {
    if (h.at !== null) rows.push({ at: h.at, order: -1, text: `Trace${h.itemId ? ` of item ${h.itemId}` : ''}: ${inline(h.text)}` });
  }
  for (const p of input.proposals ?? []) {
    rows.push({ at: p.createdAt, order: 1e6, text: `Proposal ${p.id} (${p.kind}) made: ${inline(p.title)}` });
    if (p.deployedAt !== null) rows.push({ at: p.deployedAt, order: 1e6, text: `Proposal ${p.id} deployed` });
  }
  rows.sort((a, b) => a.at - b.at || a.order - b.order);
  const out = rows.map((r) => `- ${when(r.at)}: ${r.text}`);
  const untimed = (input.traceHighlights ?? []).filter((h) => h.at === null);
  if (untimed.length > 0) {
    out.push('', 'Trace highlights without a recorded time:');
    for (const h of untimed) out.push(`- ${h.itemId ? `item ${h.itemId}: ` : ''}${inline(h.text)}`);
  }
  return out.length > 0 ? out : ['- No entries.'];
}

function causes(list: readonly RootCauseRecord[]): string[] {
  const out: string[] = [];
  const groups: [string, string][] = [['confirmed', 'Confirmed'], ['suggested', 'Suggested by Haven, not yet decided'], ['rejected', 'Rejected']];
  for (const [status, heading] of groups) {
    const mine = list.filter((c) => c.status === status);
    if (mine.length === 0) continue;
    out.push(`### ${heading}`, '');
    for (const c of mine) {
      const by = status === 'suggested' ? `suggested by ${inline(c.suggestedBy)}` : `${status} by ${inline(c.decidedBy ?? c.suggestedBy)}`;
      out.push(`- ${rootCauseLabel(c.cause)} (${c.cause}), ${by}${c.note ? `: ${inline(c.note)}` : ''}`);
      for (const ev of c.evidence) {
        const where = [ev.itemId ? `item ${ev.itemId}` : null, ev.eventId ? `event ${ev.eventId}` : null].filter(Boolean).join(', ');
        out.push(`  - Evidence${where ? ` (${where})` : ''}: ${inline(ev.step)}: ${inline(ev.text)}`);
      }
    }
    out.push('');
  }
  if (out.length === 0) return ['No root causes recorded.', ''];
  return out;
}

function remediationLine(r: RemediationItem, now: number): string {
  const bits = [
    r.owner ? `owner ${inline(r.owner)}` : 'no owner',
    r.dueAt !== null ? `due ${day(r.dueAt)}` : null,
    r.doneAt !== null ? `done ${day(r.doneAt)}` : null,
    isRemediationOverdue(r, now) ? 'OVERDUE' : null,
    r.proposalId ? `proposal ${r.proposalId}` : null,
  ].filter(Boolean);
  return `- [${r.status}] ${r.team}: ${inline(r.title)} (${bits.join(', ')})`;
}

function loopLines(loop: LoopFigures): string[] {
  const since = (at: number | null) => (at === null ? 'not yet' : formatDuration(at - loop.openedAt));
  const out = [
    `- Opened to mitigated: ${since(loop.mitigatedAt)}`,
    `- Opened to first deployed fix: ${loop.escalationToFixMs === null ? 'not yet' : formatDuration(loop.escalationToFixMs)}`,
    `- Opened to resolved: ${since(loop.resolvedAt)}`,
    `- Deployed fixes: ${loop.deployedFixes}`,
    `- Loop closed: ${loop.firstFixDeployedAt !== null ? 'yes, a fix is deployed' : 'no, no fix deployed yet'}`,
  ];
  if (loop.recurred !== undefined && loop.recurred !== null) out.push(`- Recurred after the fix: ${loop.recurred ? 'yes' : 'no'}`);
  return out;
}

export function renderPostmortem(input: PostmortemInput): string {
  const e = input.escalation;
  const now = input.generatedAt;
  const outcome = e.outcome ? `, outcome ${e.outcome}${input.category ? ` (${input.category})` : ''}` : '';
  const lines: string[] = [
    `# Postmortem: ${inline(e.title)}`,
    '',
    `- Escalation: ${e.id}`,
    `- Priority ${e.priority}, source ${e.source}, status ${e.status}${outcome}`,
    `- Owner: ${e.owner ? inline(e.owner) : 'unassigned'}`,
    `- Opened ${when(e.createdAt)} by ${inline(e.createdBy)}${e.resolvedAt !== null ? `, resolved ${when(e.resolvedAt)}` : ''}`,
    `- ${slaLine(input)}`,
    `- Generated ${when(now)}`,
    '',
    '## Summary',
    '',
    ...(e.summary.trim() ? paragraphs(e.summary).flatMap((p) => [p, '']) : ['No summary given.', '']),
  ];
  const byType = new Map<string, EscalationEntity[]>();
  for (const en of input.entities) byType.set(en.entityType, [...(byType.get(en.entityType) ?? []), en]);
  lines.push('Entities involved:', '');
  if (input.entities.length === 0) lines.push('- None recorded.');
  for (const [type, list] of byType) {
    lines.push(`- ${type.replace('_', ' ')}s (${list.length}): ${list.map((x) => `${inline(x.entityId)}${x.relation === 'intake' ? '' : ` [${x.relation.replaceAll('_', ' ')}]`}`).join(', ')}`);
  }
  lines.push('', '## Timeline', '', ...timeline(input), '', '## Root causes', '', ...causes(input.rootCauses));

  lines.push('## Fixes', '');
  const proposals = input.proposals ?? [];
  if (input.remediation.length === 0 && proposals.length === 0) lines.push('No fixes recorded.');
  if (input.remediation.length > 0) lines.push('Remediation items:', '', ...input.remediation.map((r) => remediationLine(r, now)), '');
  if (proposals.length > 0) {
    lines.push('Proposed changes:', '');
    for (const p of proposals) {
      lines.push(`- [${p.status}] ${p.kind}: ${inline(p.title)} (proposal ${p.id}${p.rootCause ? `, for ${rootCauseLabel(p.rootCause)}` : ''}${p.deployedAt !== null ? `, deployed ${when(p.deployedAt)}` : ''})`);
    }
  }
  lines.push('', '## Follow-ups', '');
  const open = input.remediation.filter((r) => (OPEN_REMEDIATION_STATUSES as readonly string[]).includes(r.status));
  const undecided = input.rootCauses.filter((c) => c.status === 'suggested');
  const pending = proposals.filter((p) => p.status !== 'deployed' && p.status !== 'rejected');
  if (open.length + undecided.length + pending.length === 0) lines.push('None open.');
  for (const r of open) lines.push(remediationLine(r, now));
  for (const c of undecided) lines.push(`- Decide the suggested root cause ${rootCauseLabel(c.cause)} (${c.id})`);
  for (const p of pending) lines.push(`- Proposal ${p.id} is ${p.status}: ${inline(p.title)}`);
  if (input.loop) lines.push('', '## Loop', '', ...loopLines(input.loop));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
