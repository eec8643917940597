import { createHash } from 'node:crypto';
import type { ItemInput } from '../../core/item-input.js';
import type { AgeBand } from '../../core/types.js';
import { demoTextItems } from '../../demo/bench-items.js';
import { DEMO_TRAINING_LINES, demoLabelledRows } from '../../demo/training.js';
import { generateWorld } from '../../demo/world.js';
import type { Queryable } from '../../store/db.js';
import { evalSetByName } from '../../store/repos/evaluation.js';
import { distinctLabels } from './examples.js';
import { checkSetName, type ExampleDraft, knownCategories, type StoreOutcome, storeExamples } from './sets.js';

/** As many accounts as the demo world `haven serve` seeds. */
const DEMO_ACCOUNTS = 200;
/**
 * Seed 1 is the world the demo seeds and `haven model train --from demo` learns from; a demo set drawn from seed 2
 * shares no rows with it (the generators' templates still repeat, so a demo model's scores stay optimistic).
 */
export const DEFAULT_DEMO_SET_SEED = 2;
export const DEFAULT_DEMO_SET_SIZE = 500;

interface DemoContext {
  text: string | null;
  surface: string;
  authorAgeBand: AgeBand | null;
  recipientAgeBands: AgeBand[];
}

const contextOf = (i: ItemInput): DemoContext => ({
  text: i.text ?? null,
  surface: i.surface,
  authorAgeBand: i.author ? (i.author.ageBand ?? 'unknown') : null,
  recipientAgeBands: (i.recipients ?? []).map((r) => r.ageBand ?? 'unknown'),
});

/**
 * Surface and age bands of the demo rows, which demoLabelledRows leaves out but text rules need. They are
 * regenerated from the same generators (the extra lines as demo/training.ts draws them) and used only where the
 * text matches, so a change to the generators drops the context instead of attaching the wrong one.
 */
async function demoContexts(opts: { accounts: number; seed: number }): Promise<Map<string, DemoContext>> {
  const out = new Map<string, DemoContext>();
  for (const i of (await generateWorld(opts)).items) out.set(i.externalId, contextOf(i));
  for (const i of demoTextItems(DEMO_TRAINING_LINES, opts.seed + 7919, undefined, 0.15)) out.set(`train_${i.externalId}`, contextOf(i));
  return out;
}

/** The rank of a row in the sample: a hash of the seed and its id, so the sample is the same on every machine. */
const sampleKey = (seed: number, id: string) => createHash('sha256').update(`${seed}:${id}`).digest('hex');

/**
 * Creates a set of `size` examples drawn deterministically from the demo's labelled rows (the generated world
 * plus the extra training lines), with their ground-truth labels. Refuses to touch an existing set.
 */
export async function createDemoSet(
  q: Queryable,
  opts: { name?: string; size?: number; seed?: number; actor: string; now: number },
): Promise<StoreOutcome> {
  const name = checkSetName(opts.name ?? 'demo');
  const size = opts.size ?? DEFAULT_DEMO_SET_SIZE;
  const seed = opts.seed ?? DEFAULT_DEMO_SET_SEED;
  if (!Number.isInteger(size) || size < 1) throw new Error(`the demo set size must be a positive integer, got ${size}`);
  if (await evalSetByName(q, name)) throw new Error(`set ${name} already exists: choose another name (--name)`);
  const world = { accounts: DEMO_ACCOUNTS, seed };
  const known = await knownCategories(q);
  const rows = (await demoLabelledRows(world)).filter((r) => r.text);
  const contexts = await demoContexts(world);
  const sample = rows
    .map((r) => ({ r, key: sampleKey(seed, r.id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, size)
    .map((s) => s.r);
  const drafts: ExampleDraft[] = sample.map((r) => {
    const labels = Array.isArray(r.metadata.labels) ? (r.metadata.labels as string[]).filter((l) => known.has(l)) : [];
    const ctx = contexts.get(r.id);
    const matches = ctx !== undefined && ctx.text === r.text;
    return {
      where: `demo row ${r.id}`, itemId: null,
      content: {
        id: r.id, text: r.text, media: [], surface: matches ? ctx.surface : null,
        authorAgeBand: matches ? ctx.authorAgeBand : null, recipientAgeBands: matches ? ctx.recipientAgeBands : [],
        labels: distinctLabels(labels),
      },
    };
  });
  return storeExamples(q, name, drafts, { source: 'demo', actor: opts.actor, now: opts.now, onConflict: 'error' });
}
