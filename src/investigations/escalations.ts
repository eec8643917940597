import { z } from 'zod';
import { categoryIdSchema } from '../core/taxonomy.js';

/** Where an escalation came from. */
export const ESCALATION_SOURCES = ['law_enforcement', 'ncmec', 'press', 'executive', 'user_reports', 'internal', 'other'] as const;
export type EscalationSource = (typeof ESCALATION_SOURCES)[number];

export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Time from opening an escalation to its mitigation (the harm is stopped: content removed, account actioned,
 * the gap closed for now). An escalation not mitigated or resolved by then is overdue. P0: 4 hours; P1: 24 hours;
 * P2: 3 days; P3: 7 days.
 */
export const PRIORITY_SLA_MS: Readonly<Record<Priority, number>> = {
  P0: 4 * HOUR,
  P1: 24 * HOUR,
  P2: 3 * DAY,
  P3: 7 * DAY,
};

export function slaDueAt(priority: Priority, openedAt: number): number {
  return openedAt + PRIORITY_SLA_MS[priority];
}

export const ESCALATION_STATUSES = ['new', 'investigating', 'mitigated', 'resolved'] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];

/** How an escalation closed; it feeds precision figures and evaluation data. */
export const OUTCOMES = ['false_positive', 'confirmed', 'valuable_signal'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * The workflow: new -> investigating -> mitigated -> resolved. An escalation found to be nothing (a false positive,
 * a duplicate) may be resolved straight from new or investigating; a mitigated one goes back to investigating
 * when the harm recurs. Resolved is final: the outcome has already become evaluation data.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<EscalationStatus, readonly EscalationStatus[]>> = {
  new: ['investigating', 'resolved'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: [],
};

/** Why a status change is refused, or null when it is allowed. */
export function transitionProblem(from: EscalationStatus, to: EscalationStatus, outcome: Outcome | null): string | null {
  if (from === to) return `the escalation is already ${to}`;
  if (!ALLOWED_TRANSITIONS[from].includes(to)) {
    const allowed = ALLOWED_TRANSITIONS[from];
    return allowed.length === 0
      ? `a ${from} escalation is final and cannot move to ${to}`
      : `a ${from} escalation can move to ${allowed.join(' or ')}, not ${to}`;
  }
  if (to === 'resolved' && outcome === null) return `resolving needs an outcome: ${OUTCOMES.join(', ')}`;
  if (to !== 'resolved' && outcome !== null) return 'an outcome is given only when resolving';
  return null;
}

export interface SlaState {
  dueAt: number;
  /** Not yet mitigated or resolved, and past due. */
  overdue: boolean;
  /** Mitigated (or resolved) by the due time; null while still open. */
  met: boolean | null;
}

export function slaState(e: { slaDueAt: number; mitigatedAt: number | null; resolvedAt: number | null }, now: number): SlaState {
  const doneAt = e.mitigatedAt ?? e.resolvedAt;
  if (doneAt !== null) return { dueAt: e.slaDueAt, overdue: false, met: doneAt <= e.slaDueAt };
  return { dueAt: e.slaDueAt, overdue: now > e.slaDueAt, met: null };
}

const ID = z.string().trim().min(1).max(64);

/** An item or account named by Haven's id or by the platform's external id. */
const entityRefSchema = z
  .strictObject({ id: ID.optional(), externalId: z.string().trim().min(1).max(256).optional() })
  .refine((r) => (r.id === undefined) !== (r.externalId === undefined), { message: 'give either id or externalId' });
export type EntityRef = z.infer<typeof entityRefSchema>;

export const escalationEntitiesSchema = z.strictObject({
  items: z.array(entityRefSchema).max(500).default([]),
  accounts: z.array(entityRefSchema).max(500).default([]),
  /** The platform's conversation ids, as items carry them. */
  conversations: z.array(z.string().trim().min(1).max(256)).max(100).default([]),
  bankEntries: z.array(ID).max(500).default([]),
});
export type EscalationEntitiesInput = z.infer<typeof escalationEntitiesSchema>;

export const escalationIntakeSchema = z.strictObject({
  title: z.string().trim().min(1, 'give the escalation a title').max(300),
  summary: z.string().trim().max(20_000).default(''),
  source: z.enum(ESCALATION_SOURCES, { error: `source is one of ${ESCALATION_SOURCES.join(', ')}` }),
  priority: z.enum(PRIORITIES, { error: 'priority is one of P0, P1, P2, P3' }),
  owner: z.string().trim().min(1).max(200).optional(),
  entities: escalationEntitiesSchema.default({ items: [], accounts: [], conversations: [], bankEntries: [] }),
});
export type EscalationIntake = z.infer<typeof escalationIntakeSchema>;

export const statusChangeSchema = z
  .strictObject({
    status: z.enum(ESCALATION_STATUSES, { error: `status is one of ${ESCALATION_STATUSES.join(', ')}` }),
    outcome: z.enum(OUTCOMES, { error: `outcome is one of ${OUTCOMES.join(', ')}` }).optional(),
    /** The category the escalation confirmed (with outcome confirmed): its items are labelled with it. */
    category: categoryIdSchema.optional(),
    note: z.string().trim().min(1).max(20_000).optional(),
  })
  .refine((s) => s.category === undefined || s.outcome === 'confirmed', { message: 'a category is given only with outcome confirmed', path: ['category'] });
export type StatusChange = z.infer<typeof statusChangeSchema>;

export const noteInputSchema = z.strictObject({ text: z.string().trim().min(1, 'the note is empty').max(20_000) });

export const escalationListSchema = z.strictObject({
  status: z.enum(ESCALATION_STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  owner: z.string().trim().min(1).max(200).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type EscalationListQuery = z.infer<typeof escalationListSchema>;

/** How an entity came into an escalation: named at intake or added later, or pulled in as related. */
export const ENTITY_RELATIONS = ['intake', 'added', 'same_author', 'same_bank_entry', 'near_duplicate', 'same_conversation'] as const;
export type EntityRelation = (typeof ENTITY_RELATIONS)[number];
export const ENTITY_TYPES = ['item', 'account', 'conversation', 'bank_entry'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Notes on the timeline: written by a person, recorded on a status change, or recorded by Haven. */
export const NOTE_KINDS = ['note', 'status', 'system'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];
