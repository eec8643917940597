import type { Decision } from '../../core/types.js';
import type { HumanLabel, LabelSource } from '../../store/repos/replay.js';

// Comparing what was recorded with what a replay decided: pure, fed one item at a time so 100k items stay cheap.

export const FLIPS_LISTED = 200;

export interface Outcome {
  verdict: string;
  category: string | null;
  actions: string[];
  reasons: string[];
}

export interface Flip {
  itemId: string;
  externalId: string;
  surface: string;
  /** null when the pipeline never decided the item. */
  before: Outcome | null;
  after: Outcome;
  /** What changed: the verdict, or (same verdict) the category. */
  change: 'verdict' | 'category';
  label: HumanLabel | null;
}

export interface PrecisionFigure {
  /** Items in this group. */
  items: number;
  /** Of them, with a human label. */
  labelled: number;
  /** Labelled items a person says violate (any category). */
  confirmed: number;
  /** Confirmed items whose labelled category is the one decided. */
  sameCategory: number;
  /** confirmed / labelled; null without labels. */
  estimate: number | null;
  bySource: Record<LabelSource, number>;
}

export interface BacktestReport {
  environment: string;
  items: number;
  /** Replayed items the pipeline had never decided (no "before"). */
  undecidedBefore: number;
  configuration: { overridden: string[]; llm: string; notes: string[] };
  verdicts: { before: Record<string, number>; after: Record<string, number> };
  actions: {
    before: Record<string, number>;
    after: Record<string, number>;
    /** after - before, per action type. */
    delta: Record<string, number>;
    itemsWithMoreActions: number;
    itemsWithFewerActions: number;
  };
  flips: { total: number; verdict: number; category: number; listed: Flip[]; listedLimit: number };
  precision: {
    definition: string;
    /** Items the replay actions (violating) that the recorded decision did not. */
    newActions: PrecisionFigure;
    /** Items the recorded decision actioned and the replay no longer does: `confirmed` of these would be missed. */
    droppedActions: PrecisionFigure;
    before: PrecisionFigure;
    after: PrecisionFigure;
    labelSources: Record<LabelSource, number>;
  };
  timings: { seconds: number; setupSeconds: number; itemsPerSecond: number };
}

const emptyFigure = (): PrecisionFigure => ({ items: 0, labelled: 0, confirmed: 0, sameCategory: 0, estimate: null, bySource: { review: 0, appeal: 0, metadata: 0 } });

function count(figure: PrecisionFigure, label: HumanLabel | null, category: string | null): void {
  figure.items++;
  if (!label) return;
  figure.labelled++;
  figure.bySource[label.source]++;
  if (label.violating) {
    figure.confirmed++;
    if (label.category === category) figure.sameCategory++;
  }
}

const outcomeOf = (d: { verdict: string; category: string | null; actions: readonly string[]; reasons: readonly { text: string }[] }): Outcome => ({
  verdict: d.verdict, category: d.category, actions: [...d.actions].sort(), reasons: d.reasons.map((r) => r.text),
});

const bump = (m: Record<string, number>, k: string, by = 1) => {
  m[k] = (m[k] ?? 0) + by;
};

/** Accumulates a replay's comparison item by item. */
export class ReportBuilder {
  private items = 0;
  private undecided = 0;
  private readonly verdicts = { before: {} as Record<string, number>, after: {} as Record<string, number> };
  private readonly actionsBefore: Record<string, number> = {};
  private readonly actionsAfter: Record<string, number> = {};
  private more = 0;
  private fewer = 0;
  private readonly flips = { total: 0, verdict: 0, category: 0, listed: [] as Flip[] };
  private readonly figures = { newActions: emptyFigure(), droppedActions: emptyFigure(), before: emptyFigure(), after: emptyFigure() };
  private readonly sources: Record<LabelSource, number> = { review: 0, appeal: 0, metadata: 0 };

  constructor(private readonly environment: string, private readonly configuration: BacktestReport['configuration']) {}

  add(item: { id: string; externalId: string; surface: string }, before: Decision | null, after: Decision, label: HumanLabel | null): Flip | null {
    this.items++;
    if (label) this.sources[label.source]++;
    const a = outcomeOf(after);
    bump(this.verdicts.after, a.verdict);
    for (const t of a.actions) bump(this.actionsAfter, t);
    if (a.verdict === 'violating') count(this.figures.after, label, a.category);
    const b = before ? outcomeOf(before) : null;
    if (!b) this.undecided++;
    else {
      bump(this.verdicts.before, b.verdict);
      for (const t of b.actions) bump(this.actionsBefore, t);
      if (b.verdict === 'violating') count(this.figures.before, label, b.category);
      const gained = a.actions.filter((t) => !b.actions.includes(t)).length;
      const lost = b.actions.filter((t) => !a.actions.includes(t)).length;
      if (gained > 0) this.more++;
      if (lost > 0) this.fewer++;
    }
    const wasViolating = b?.verdict === 'violating';
    if (a.verdict === 'violating' && !wasViolating) count(this.figures.newActions, label, a.category);
    if (wasViolating && a.verdict !== 'violating') count(this.figures.droppedActions, label, b?.category ?? null);
    if (!b) return null;
    const change = b.verdict !== a.verdict ? 'verdict' : b.category !== a.category ? 'category' : null;
    if (!change) return null;
    this.flips.total++;
    this.flips[change]++;
    const flip: Flip = { itemId: item.id, externalId: item.externalId, surface: item.surface, before: b, after: a, change, label };
    if (this.flips.listed.length < FLIPS_LISTED) this.flips.listed.push(flip);
    return flip;
  }

  finish(timings: { seconds: number; setupSeconds: number }): BacktestReport {
    const delta: Record<string, number> = {};
    for (const t of new Set([...Object.keys(this.actionsBefore), ...Object.keys(this.actionsAfter)])) {
      delta[t] = (this.actionsAfter[t] ?? 0) - (this.actionsBefore[t] ?? 0);
    }
    const done = (f: PrecisionFigure): PrecisionFigure => ({ ...f, estimate: f.labelled === 0 ? null : f.confirmed / f.labelled });
    return {
      environment: this.environment, items: this.items, undecidedBefore: this.undecided, configuration: this.configuration,
      verdicts: this.verdicts,
      actions: { before: this.actionsBefore, after: this.actionsAfter, delta, itemsWithMoreActions: this.more, itemsWithFewerActions: this.fewer },
      flips: { ...this.flips, listedLimit: FLIPS_LISTED },
      precision: {
        definition: 'estimate = confirmed / labelled: of the items in the group that carry a human label (an appeal outcome, else a final ' +
          'review decision, else the synthetic metadata.labels), the share a person says violate; `bySource` says which labels were used',
        newActions: done(this.figures.newActions), droppedActions: done(this.figures.droppedActions),
        before: done(this.figures.before), after: done(this.figures.after), labelSources: this.sources,
      },
      timings: { ...timings, itemsPerSecond: timings.seconds > 0 ? this.items / timings.seconds : 0 },
    };
  }
}
