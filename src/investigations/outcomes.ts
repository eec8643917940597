import type { AgeBand } from '../core/types.js';
import { type ExampleDraft, storeExamples } from '../learning/eval/sets.js';
import type { Queryable } from '../store/db.js';
import { accountsByIds } from '../store/repos/accounts.js';
import { latestDecisionCategories } from '../store/repos/escalation-related.js';
import { entitiesOf, getEscalation, notesOf } from '../store/repos/escalations.js';
import { getItems } from '../store/repos/items.js';

/** The evaluation set that resolved escalations feed (created on first use). */
export const ESCALATIONS_EVAL_SET = 'escalations';

const CATEGORY_NOTE = /^Confirmed category: (CSE-\d{2})$/;

/** The system note that records the category an escalation confirmed (the escalations table has no column for it). */
export function categoryNote(category: string): string {
  return `Confirmed category: ${category}`;
}

export function confirmedCategoryOf(notes: readonly { kind: string; text: string }[]): string | null {
  let found: string | null = null;
  for (const n of notes) {
    const m = n.kind === 'system' ? CATEGORY_NOTE.exec(n.text) : null;
    if (m?.[1]) found = m[1];
  }
  return found;
}

export interface OutcomeLabel {
  itemId: string;
  violating: boolean;
  /** The escalation's confirmed category, else the item's latest decision category; null for not violating. */
  category: string | null;
  /** Where the category came from. */
  categoryFrom: 'escalation' | 'decision' | null;
}

export interface OutcomeLabels {
  escalationId: string;
  outcome: string | null;
  category: string | null;
  /** Empty until the escalation is resolved, and for valuable_signal (a useful signal, not a verdict on the items). */
  labels: OutcomeLabel[];
}

/**
 * The escalation's items labelled with its outcome: confirmed -> violating (in the escalation's confirmed category,
 * or failing that the item's latest decision category); false_positive -> not violating. Null when there is no such
 * escalation.
 */
export async function escalationOutcomeLabels(q: Queryable, escalationId: string): Promise<OutcomeLabels | null> {
  const escalation = await getEscalation(q, escalationId);
  if (!escalation) return null;
  const category = confirmedCategoryOf(await notesOf(q, escalationId));
  const base = { escalationId, outcome: escalation.outcome, category };
  if (escalation.status !== 'resolved' || (escalation.outcome !== 'confirmed' && escalation.outcome !== 'false_positive')) return { ...base, labels: [] };
  const itemIds = (await entitiesOf(q, escalationId)).filter((e) => e.entityType === 'item').map((e) => e.entityId);
  if (escalation.outcome === 'false_positive') {
    return { ...base, labels: itemIds.map((itemId) => ({ itemId, violating: false, category: null, categoryFrom: null })) };
  }
  const decided = category ? new Map<string, string>() : await latestDecisionCategories(q, itemIds);
  return {
    ...base,
    labels: itemIds.map((itemId) => {
      const c = category ?? decided.get(itemId) ?? null;
      return { itemId, violating: true, category: c, categoryFrom: category ? 'escalation' : c ? 'decision' : null };
    }),
  };
}

export interface OutcomeExamples {
  set: string;
  added: number;
  replaced: number;
  unchanged: number;
  skipped: { itemId: string; reason: string }[];
}

/**
 * Writes the labelled items of a resolved escalation into the `escalations` evaluation set (source 'escalation'),
 * so they count in evaluation runs and training exports. An item already there is relabelled (a later escalation
 * supersedes an earlier one). Items without text, and confirmed items with no known category, are skipped: the
 * evaluation harness holds text examples, and a label must name a category.
 */
export async function writeOutcomeExamples(q: Queryable, labels: OutcomeLabels, actor: string, now: number): Promise<OutcomeExamples> {
  const out: OutcomeExamples = { set: ESCALATIONS_EVAL_SET, added: 0, replaced: 0, unchanged: 0, skipped: [] };
  if (labels.labels.length === 0) return out;
  const items = new Map((await getItems(q, labels.labels.map((l) => l.itemId))).map((i) => [i.id as string, i]));
  const accountIds = [...new Set([...items.values()].flatMap((i) => [...(i.authorId ? [i.authorId] : []), ...i.recipientIds]))];
  const bands = new Map((await accountsByIds(q, accountIds)).map((a) => [a.id as string, a.ageBand]));
  const drafts: ExampleDraft[] = [];
  for (const l of labels.labels) {
    const item = items.get(l.itemId);
    if (!item) {
      out.skipped.push({ itemId: l.itemId, reason: 'no such item' });
      continue;
    }
    if (!item.text) {
      out.skipped.push({ itemId: l.itemId, reason: 'no text (evaluation sets hold text examples)' });
      continue;
    }
    if (l.violating && !l.category) {
      out.skipped.push({ itemId: l.itemId, reason: 'confirmed but no category is known (resolve with a category)' });
      continue;
    }
    drafts.push({
      where: `item ${item.id}`, itemId: item.id,
      content: {
        id: item.id, text: item.text, media: [], surface: item.surface,
        authorAgeBand: item.authorId ? ((bands.get(item.authorId) ?? 'unknown') as AgeBand) : null,
        recipientAgeBands: item.recipientIds.map((r) => (bands.get(r) ?? 'unknown') as AgeBand),
        labels: l.violating && l.category ? [l.category] : [],
      },
    });
  }
  if (drafts.length === 0) return out;
  const stored = await storeExamples(q, ESCALATIONS_EVAL_SET, drafts, { source: 'escalation', actor, now, onConflict: 'replace' });
  return { ...out, added: stored.added, replaced: stored.replaced, unchanged: stored.unchanged };
}
