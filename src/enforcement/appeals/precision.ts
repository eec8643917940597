import type { DecisionReason } from '../../core/types.js';
import type { AppealStatus } from '../../store/repos/appeals.js';

/** Platform actions that act against a user or their content: a decision that requested one is "actioned". */
export const ENFORCEMENT_ACTIONS: ReadonlySet<string> = new Set(['block', 'remove', 'restrict', 'disable', 'warn']);

export function isActioned(actions: readonly string[]): boolean {
  return actions.some((a) => ENFORCEMENT_ACTIONS.has(a));
}

/**
 * The detectors that caused a decision: those whose signal crossed an action threshold, or, when none did (an
 * action taken at review level), every detector the reasons name.
 */
export function causingDetectors(reasons: readonly DecisionReason[]): string[] {
  const acting = reasons.filter((r) => r.thresholdKind === 'action');
  return [...new Set((acting.length > 0 ? acting : reasons).map((r) => r.detector))].sort();
}

export interface PrecisionRow {
  actioned: number;
  appealed: number;
  overturned: number;
  /** 1 - overturned / actioned; null when nothing was actioned. */
  precision: number | null;
}

export interface PrecisionReport {
  definition: string;
  total: PrecisionRow;
  byPolicyVersion: (PrecisionRow & { policyVersion: number })[];
  byDetector: (PrecisionRow & { detector: string })[];
}

export const PRECISION_DEFINITION =
  'precision = 1 - overturned / actioned. actioned: decisions that requested an enforcement action ' +
  '(block, remove, restrict, disable, warn); appealed: those with an appeal (any status); overturned: those whose ' +
  'appeal was overturned. An overturn counts against the decision\'s policy version and against every detector ' +
  'that caused it (crossed an action threshold; if none did, every detector its reasons name). An upper bound: ' +
  'actions nobody appealed count as correct.';

interface Counts {
  actioned: number;
  appealed: number;
  overturned: number;
}

/** Adds decisions one at a time (the caller pages through them), then reports. */
export class PrecisionTally {
  private readonly total: Counts = { actioned: 0, appealed: 0, overturned: 0 };
  private readonly byPolicy = new Map<number, Counts>();
  private readonly byDetector = new Map<string, Counts>();

  constructor(private readonly outcomes: ReadonlyMap<string, AppealStatus>) {}

  add(d: { id: string; policyVersion: number; actions: readonly string[]; reasons: readonly DecisionReason[] }): void {
    if (!isActioned(d.actions)) return;
    const outcome = this.outcomes.get(d.id);
    const buckets = [this.total, bucket(this.byPolicy, d.policyVersion), ...causingDetectors(d.reasons).map((x) => bucket(this.byDetector, x))];
    for (const b of buckets) {
      b.actioned++;
      if (outcome) b.appealed++;
      if (outcome === 'overturned') b.overturned++;
    }
  }

  report(): PrecisionReport {
    return {
      definition: PRECISION_DEFINITION,
      total: row(this.total),
      byPolicyVersion: [...this.byPolicy].sort(([a], [b]) => a - b).map(([policyVersion, c]) => ({ policyVersion, ...row(c) })),
      byDetector: [...this.byDetector].sort(([a], [b]) => (a < b ? -1 : 1)).map(([detector, c]) => ({ detector, ...row(c) })),
    };
  }
}

function bucket<K>(m: Map<K, Counts>, key: K): Counts {
  let c = m.get(key);
  if (!c) m.set(key, (c = { actioned: 0, appealed: 0, overturned: 0 }));
  return c;
}

function row(c: Counts): PrecisionRow {
  return { ...c, precision: c.actioned === 0 ? null : 1 - c.overturned / c.actioned };
}
