/**
 * Labelled demo text for training and evaluating the local model: the demo world's items plus a larger stream of
 * stand-alone lines in which risky ones are common (the world alone has too few positives per category for a
 * held-out split to mean anything). Everything is synthetic and neutral; labels come from the generator.
 */
import { demoTextItems } from './bench-items.js';
import { generateWorld } from './world.js';

export interface DemoLabelledRow {
  id: string;
  text: string | null;
  metadata: Record<string, unknown>;
}

export const DEMO_TRAINING_LINES = 6000;
const RISKY_SHARE = 0.15;

/** `includeWorld: false` leaves out the world's own items: for a model that will then score those items. */
export async function demoLabelledRows(opts: { accounts: number; seed: number; includeWorld?: boolean }): Promise<DemoLabelledRow[]> {
  const rows: DemoLabelledRow[] = [];
  if (opts.includeWorld !== false) {
    const world = await generateWorld(opts);
    for (const i of world.items) rows.push({ id: i.externalId, text: i.text ?? null, metadata: i.metadata ?? {} });
  }
  // A different seed from the world, so the extra lines are not copies of the world's own messages.
  for (const i of demoTextItems(DEMO_TRAINING_LINES, opts.seed + 7919, undefined, RISKY_SHARE)) {
    rows.push({ id: `train_${i.externalId}`, text: i.text ?? null, metadata: i.metadata ?? {} });
  }
  return rows;
}
