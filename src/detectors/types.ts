import type { CategoryId } from '../core/taxonomy.js';
import type { Account, Evidence, Item } from '../core/types.js';

export interface DetectionInput {
  item: Item;
  author: Account | null;
  recipients: Account[];
}

export interface SignalDraft {
  category: CategoryId;
  score: number;
  evidence: Evidence;
}

/**
 * A detector looks at one item and returns signals. It declares what it reads and what it costs, so the cascade
 * can run cheap detectors first, and the versions of everything it used, so its signals can be explained later.
 */
export interface Detector {
  readonly id: string;
  readonly inputs: readonly ('text' | 'image' | 'video')[];
  /** Relative cost per item: 1 for an in-memory lookup, 1000 for a paid model call. */
  readonly cost: number;
  versions(): Record<string, string | number>;
  detect(input: DetectionInput): SignalDraft[] | Promise<SignalDraft[]>;
}

export function detectorApplies(d: Detector, item: Item): boolean {
  const hasText = Boolean(item.text);
  const hasImage = item.media.some((m) => m.mime.startsWith('image/'));
  const hasVideo = item.media.some((m) => m.mime.startsWith('video/'));
  return d.inputs.some((i) => (i === 'text' && hasText) || (i === 'image' && hasImage) || (i === 'video' && hasVideo));
}
