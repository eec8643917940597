import type { CategoryId, Taxonomy } from '../../core/taxonomy.js';
import type { AgeBand } from '../../core/types.js';
import type { Queryable } from '../../store/db.js';
import { accountsByIds } from '../../store/repos/accounts.js';
import { latestConfig } from '../../store/repos/config.js';
import {
  createEvalSet, evalSetByName, evalSetExamples, inTransaction, putEvalExamples, updateEvalSetContent,
} from '../../store/repos/evaluation.js';
import { getItems } from '../../store/repos/items.js';
import { contentHash, distinctLabels, EvalDataError, type ExampleProblem, parseExamplesJsonl, sameContent } from './examples.js';
import { EXAMPLE_SOURCES, type EvalExample, type EvalSetSummary, type ExampleContent, type ExampleSource } from './types.js';

const SET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function checkSetName(name: string): string {
  if (!SET_NAME.test(name)) throw new Error(`a set name is 1-64 letters, digits, _ . - (starting with a letter or digit), got '${name}'`);
  return name;
}

/** The category ids of the current taxonomy: labels must name one of these. */
export async function knownCategories(q: Queryable): Promise<Set<CategoryId>> {
  const taxonomy = await latestConfig<Taxonomy>(q, 'taxonomy');
  return new Set((taxonomy?.document.categories ?? []).map((c) => c.id));
}

export interface ExampleDraft {
  /** Where the example came from, for errors: 'line 3', 'item 01H...'. */
  where: string;
  content: ExampleContent;
  itemId: string | null;
}

export interface StoreOutcome {
  set: EvalSetSummary;
  added: number;
  replaced: number;
  unchanged: number;
}

/**
 * Adds examples to a set (created when missing) in one transaction and recomputes its content hash. An example
 * whose id is already in the set with other content is an error under 'error' (nothing is stored) and supersedes
 * the stored one under 'replace'; identical examples are left as they are.
 */
export async function storeExamples(
  q: Queryable,
  setName: string,
  drafts: readonly ExampleDraft[],
  opts: { source: ExampleSource; actor: string; now: number; onConflict: 'error' | 'replace' },
): Promise<StoreOutcome> {
  checkSetName(setName);
  if (!EXAMPLE_SOURCES.includes(opts.source)) throw new Error(`an example source is one of ${EXAMPLE_SOURCES.join(', ')}`);
  return inTransaction(q, async (trx) => {
    const set = (await evalSetByName(trx, setName)) ?? (await createEvalSet(trx, setName, contentHash([]), opts.actor, opts.now));
    const existing = new Map((await evalSetExamples(trx, set.id)).map((e) => [e.id, e]));
    const problems: ExampleProblem[] = [];
    const toWrite: EvalExample[] = [];
    let replaced = 0;
    let unchanged = 0;
    for (const d of drafts) {
      const old = existing.get(d.content.id);
      if (old && sameContent(old, d.content)) {
        unchanged++;
        continue;
      }
      if (old && opts.onConflict === 'error') {
        problems.push({ where: d.where, problem: `example ${d.content.id} is already in set ${setName} with other content` });
        continue;
      }
      if (old) replaced++;
      const example: EvalExample = { ...d.content, itemId: d.itemId, source: opts.source, addedBy: opts.actor, addedAt: opts.now };
      toWrite.push(example);
      existing.set(example.id, example);
    }
    if (problems.length > 0) throw new EvalDataError(problems, `the examples for set ${setName}`);
    await putEvalExamples(trx, set.id, toWrite);
    const hash = contentHash([...existing.values()]);
    await updateEvalSetContent(trx, set.id, hash, existing.size, opts.now);
    return {
      set: { ...set, contentHash: hash, examples: existing.size, updatedAt: opts.now },
      added: toWrite.length - replaced, replaced, unchanged,
    };
  });
}

/** Imports a JSONL file into a set: all of it or, when any line is wrong, none of it (the error names the lines). */
export async function importExamples(
  q: Queryable,
  setName: string,
  jsonl: string,
  opts: { actor: string; now: number },
): Promise<StoreOutcome> {
  const parsed = parseExamplesJsonl(jsonl, await knownCategories(q));
  const drafts = parsed.map((p) => ({ where: `line ${p.line}`, content: p.content, itemId: null }));
  return storeExamples(q, setName, drafts, { source: 'import', actor: opts.actor, now: opts.now, onConflict: 'error' });
}

/**
 * Adds stored items to a set: their text, surface and the age bands of author and recipients, labelled with
 * `labels` when given (a reviewer's or an escalation's outcome; [] means benign) or else with the item's own
 * ground truth (metadata.labels). A later label supersedes an earlier one for the same item. All or nothing.
 */
export async function addExamplesFromItems(
  q: Queryable,
  setName: string,
  itemIds: readonly string[],
  labels: readonly CategoryId[] | null,
  source: ExampleSource,
  actor: string,
  opts: { now?: number } = {},
): Promise<StoreOutcome> {
  if (itemIds.length === 0) throw new Error('no items given');
  const known = await knownCategories(q);
  const problems: ExampleProblem[] = [];
  const unknownGiven = (labels ?? []).filter((l) => !known.has(l));
  if (unknownGiven.length > 0) throw new Error(`unknown categor${unknownGiven.length > 1 ? 'ies' : 'y'} ${unknownGiven.join(', ')} (not in the taxonomy)`);
  const unique = [...new Set(itemIds)];
  const items = await getItems(q, unique);
  const found = new Set(items.map((i) => i.id as string));
  for (const id of unique) if (!found.has(id)) problems.push({ where: `item ${id}`, problem: 'no such item' });
  const accountIds = [...new Set(items.flatMap((i) => [...(i.authorId ? [i.authorId] : []), ...i.recipientIds]))];
  const bands = new Map((await accountsByIds(q, accountIds)).map((a) => [a.id as string, a.ageBand]));
  const drafts: ExampleDraft[] = [];
  for (const item of items) {
    const where = `item ${item.id}`;
    if (!item.text) {
      problems.push({ where, problem: 'has no text (examples with media are not supported yet)' });
      continue;
    }
    let itemLabels: CategoryId[];
    if (labels !== null) {
      itemLabels = distinctLabels(labels);
    } else {
      const meta = item.metadata.labels;
      if (!Array.isArray(meta) || meta.some((l) => typeof l !== 'string')) {
        problems.push({ where, problem: 'carries no metadata.labels: give the labels (--label)' });
        continue;
      }
      const unknown = (meta as string[]).filter((l) => !known.has(l));
      if (unknown.length > 0) {
        problems.push({ where, problem: `metadata.labels name unknown categor${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}` });
        continue;
      }
      itemLabels = distinctLabels(meta as string[]);
    }
    drafts.push({
      where, itemId: item.id,
      content: {
        id: item.id, text: item.text, media: [], surface: item.surface,
        authorAgeBand: item.authorId ? ((bands.get(item.authorId) ?? 'unknown') as AgeBand) : null,
        recipientAgeBands: item.recipientIds.map((r) => (bands.get(r) ?? 'unknown') as AgeBand),
        labels: itemLabels,
      },
    });
  }
  if (problems.length > 0) throw new EvalDataError(problems, 'the items');
  return storeExamples(q, setName, drafts, { source, actor, now: opts.now ?? Date.now(), onConflict: 'replace' });
}

/** A set and its examples; throws naming the set when there is none. */
export async function loadEvalSet(q: Queryable, setName: string): Promise<{ set: EvalSetSummary; examples: EvalExample[] }> {
  const set = await evalSetByName(q, setName);
  if (!set) throw new Error(`no evaluation set named ${setName} (see haven eval sets)`);
  return { set, examples: await evalSetExamples(q, set.id) };
}
