import { z } from 'zod';

/** The teams an escalation's fixes are driven across. */
export const REMEDIATION_TEAMS = ['product', 'data_science', 'data_engineering', 'engineering', 'legal', 'policy', 'operations'] as const;
export type RemediationTeam = (typeof REMEDIATION_TEAMS)[number];

export const REMEDIATION_STATUSES = ['open', 'in_progress', 'done', 'wont_do'] as const;
export type RemediationStatus = (typeof REMEDIATION_STATUSES)[number];

/** Still to be done: what the board shows. */
export const OPEN_REMEDIATION_STATUSES: readonly RemediationStatus[] = ['open', 'in_progress'];

const when = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);
const ID = z.string().trim().min(1).max(64);

export const remediationInputSchema = z.strictObject({
  team: z.enum(REMEDIATION_TEAMS, { error: `team is one of ${REMEDIATION_TEAMS.join(', ')}` }),
  title: z.string().trim().min(1, 'say what is to be done').max(500),
  owner: z.string().trim().min(1).max(200).optional(),
  /** ISO date-time or epoch milliseconds. */
  dueAt: when.optional(),
  rootCauseId: ID.optional(),
  proposalId: ID.optional(),
});
export type RemediationInput = z.infer<typeof remediationInputSchema>;

export const remediationPatchSchema = z
  .strictObject({
    status: z.enum(REMEDIATION_STATUSES, { error: `status is one of ${REMEDIATION_STATUSES.join(', ')}` }).optional(),
    title: z.string().trim().min(1).max(500).optional(),
    owner: z.string().trim().min(1).max(200).nullable().optional(),
    dueAt: when.nullable().optional(),
    proposalId: ID.nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'give at least one of status, title, owner, dueAt, proposalId' });
export type RemediationPatch = z.infer<typeof remediationPatchSchema>;

export const boardQuerySchema = z.strictObject({
  team: z.enum(REMEDIATION_TEAMS).optional(),
  owner: z.string().trim().min(1).max(200).optional(),
});

export function toMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

export interface BoardEntry {
  id: string;
  escalationId: string;
  team: string;
  title: string;
  owner: string | null;
  dueAt: number | null;
  status: string;
  escalationTitle: string;
  escalationPriority: string;
}

export interface BoardColumn<T extends BoardEntry> {
  team: RemediationTeam;
  items: (T & { overdue: boolean })[];
  overdue: number;
}

/** Overdue: a due date has passed and the item is still open. */
export function isRemediationOverdue(r: { dueAt: number | null; status: string }, now: number): boolean {
  return r.dueAt !== null && r.dueAt < now && (OPEN_REMEDIATION_STATUSES as readonly string[]).includes(r.status);
}

/**
 * The cross-team board: open items grouped by team (every team listed, in a fixed order), each team's items
 * overdue first, then by due date (undated last), then by escalation priority.
 */
export function groupBoard<T extends BoardEntry>(items: readonly T[], now: number): BoardColumn<T>[] {
  return REMEDIATION_TEAMS.map((team) => {
    const mine = items
      .filter((i) => i.team === team)
      .map((i) => ({ ...i, overdue: isRemediationOverdue(i, now) }))
      .sort((a, b) =>
        Number(b.overdue) - Number(a.overdue)
        || (a.dueAt ?? Number.MAX_SAFE_INTEGER) - (b.dueAt ?? Number.MAX_SAFE_INTEGER)
        || a.escalationPriority.localeCompare(b.escalationPriority)
        || a.id.localeCompare(b.id));
    return { team, items: mine, overdue: mine.filter((i) => i.overdue).length };
  });
}
