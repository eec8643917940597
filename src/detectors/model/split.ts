import type { LabelledExample } from './data.js';
import { fmix32, fnvString } from './hash.js';

export interface SplitFractions {
  validation: number;
  test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { validation: 0.15, test: 0.15 };

export interface DataSplit {
  train: LabelledExample[];
  /** Fits the calibration. */
  validation: LabelledExample[];
  /** Held out: metrics and the promotion comparison. */
  test: LabelledExample[];
}

/**
 * Splits deterministically by a seeded hash of each example id, stratified by label set: within each group of
 * examples with the same labels, the lowest hashes go to test, the next to validation, the rest to train. Groups
 * of fewer than three fall back to the group of their first label, so rare label combinations still spread.
 */
export function splitExamples(examples: readonly LabelledExample[], seed: number, fractions: SplitFractions = DEFAULT_SPLIT): DataSplit {
  if (!(fractions.validation >= 0 && fractions.test >= 0 && fractions.validation + fractions.test < 1)) {
    throw new RangeError('validation and test fractions must be >= 0 and leave something to train on');
  }
  const exact = new Map<string, number>();
  for (const e of examples) {
    const key = e.labels.join(',');
    exact.set(key, (exact.get(key) ?? 0) + 1);
  }
  const strata = new Map<string, { e: LabelledExample; h: number; i: number }[]>();
  const basis = fmix32((seed >>> 0) ^ 0x2545f491);
  for (const [i, e] of examples.entries()) {
    const full = e.labels.join(',');
    const key = (exact.get(full) ?? 0) >= 3 ? full : (e.labels[0] ?? '');
    const list = strata.get(key) ?? [];
    list.push({ e, h: fmix32(fnvString(e.id, basis)), i });
    strata.set(key, list);
  }
  const out: DataSplit = { train: [], validation: [], test: [] };
  for (const key of [...strata.keys()].sort()) {
    const list = strata.get(key)!;
    list.sort((a, b) => a.h - b.h || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : a.i - b.i));
    const n = list.length;
    let test = Math.round(n * fractions.test);
    let validation = Math.round(n * fractions.validation);
    if (n >= 3 && fractions.test > 0) test = Math.max(1, test);
    if (n >= 3 && fractions.validation > 0) validation = Math.max(1, validation);
    for (const [rank, x] of list.entries()) {
      if (rank < test) out.test.push(x.e);
      else if (rank < test + validation) out.validation.push(x.e);
      else out.train.push(x.e);
    }
  }
  return out;
}
