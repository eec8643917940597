/**
 * Review priority: which open task a reviewer should see next. Pure; the store keeps the result in
 * review_tasks.priority so the next task is one index step away.
 *
 *   priority = harm + severity + overdue + reach
 *     harm      1000 when the caller flags a risk of ongoing harm (e.g. a live conversation with a minor)
 *     severity  S0 600, S1 300, S2 200, S3 100, anything else 0
 *     overdue   0 before the SLA is due (or without an SLA); once due, 50 plus 50 per SLA window overdue,
 *               capped at 150
 *     reach     25 per factor of ten people reached, capped at 100 (10,000 or more)
 *
 * Why these numbers: ongoing harm outranks everything else. S0 sits far enough above S1 that no overdue,
 * wide-reaching S1 (at most 550) passes a fresh S0. Below S0 the overdue points let a long-overdue task climb one band
 * (a fresh S1 is 300, an S2 one window overdue is 300 and wins the tie by its earlier SLA), so low
 * severities cannot starve. Ties are broken by SLA due (earliest first, none last), then by id.
 */

export const ONGOING_HARM_POINTS = 1000;
export const SEVERITY_POINTS: Readonly<Record<string, number>> = { S0: 600, S1: 300, S2: 200, S3: 100 };
export const OVERDUE_BASE_POINTS = 50;
export const OVERDUE_POINTS_PER_WINDOW = 50;
export const OVERDUE_MAX_POINTS = 150;
export const REACH_POINTS_PER_DECADE = 25;
export const REACH_MAX_POINTS = 100;
/** The SLA window assumed when a task's own (due minus created) is not positive. */
const FALLBACK_WINDOW_MS = 60 * 60 * 1000;

export interface PriorityInputs {
  severity: string;
  ongoingHarm: boolean;
  slaDueAt: number | null;
  createdAt: number;
  /** People the content reached; absent or 0 adds nothing. */
  reach?: number;
}

export function reachPoints(reach: number | undefined): number {
  if (!reach || reach <= 0) return 0;
  return Math.min(REACH_MAX_POINTS, Math.floor(REACH_POINTS_PER_DECADE * Math.log10(1 + reach)));
}

export function overduePoints(slaDueAt: number | null, createdAt: number, now: number): number {
  if (slaDueAt === null || now < slaDueAt) return 0;
  const window = slaDueAt - createdAt > 0 ? slaDueAt - createdAt : FALLBACK_WINDOW_MS;
  const windowsOverdue = (now - slaDueAt) / window;
  return Math.min(OVERDUE_MAX_POINTS, OVERDUE_BASE_POINTS + Math.floor(OVERDUE_POINTS_PER_WINDOW * windowsOverdue));
}

export function priorityOf(task: PriorityInputs, now: number): number {
  return (task.ongoingHarm ? ONGOING_HARM_POINTS : 0) + (SEVERITY_POINTS[task.severity] ?? 0) + overduePoints(task.slaDueAt, task.createdAt, now) + reachPoints(task.reach);
}
