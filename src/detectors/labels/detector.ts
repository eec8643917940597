import { type ActiveLabel, describeLabel, LABEL_DEFINITIONS, LABEL_EFFECTS_VERSION } from '../../investigations/labels.js';
import type { DetectionInput, Detector, DetectorResult, SignalDraft } from '../types.js';

/**
 * Labels investigators put on the item's author account, conversation or device (see src/investigations/labels.ts):
 * each label with a detection effect raises one review-only signal whose evidence names the label, its reason, who
 * put it and when it expires. The labels come loaded with the batch (DetectionContext.labels): no I/O here.
 */
export class EntityLabelDetector implements Detector {
  readonly id = 'entity.labels';
  /** Every kind of item: the label is on who sent it, not on what it contains. */
  readonly inputs = ['text', 'image', 'video', 'contact'] as const;
  readonly cost = 1;
  static readonly VERSION = '1';

  versions() {
    return { [this.id]: EntityLabelDetector.VERSION, label_effects: LABEL_EFFECTS_VERSION };
  }

  /** Items without a label in force skip this detector (no detector_ran event for each of them) where the pipeline asks. */
  appliesTo(input: DetectionInput): boolean {
    return (input.context?.labels?.length ?? 0) > 0;
  }

  detect(input: DetectionInput): SignalDraft[] | DetectorResult {
    const labels = input.context?.labels ?? [];
    if (labels.length === 0) return [];
    const signals: SignalDraft[] = [];
    for (const l of labels) {
      const effect = LABEL_DEFINITIONS[l.label]?.effect;
      if (effect?.kind !== 'signal') continue;
      signals.push({
        category: effect.category,
        score: effect.score,
        evidence: {
          summary: `${describeLabel(l)}: ${effect.meaning}`,
          // A person's label routes to a person; it never enforces by itself.
          reviewOnly: true,
          label: labelEvidence(l),
        },
      });
    }
    return { signals, details: { labels: labels.map(labelEvidence) } };
  }
}

function labelEvidence(l: ActiveLabel) {
  return {
    id: l.id, label: l.label, entityType: l.entityType, entityId: l.entityId, reason: l.reason, createdBy: l.createdBy,
    createdAt: l.createdAt, expiresAt: l.expiresAt, escalationId: l.escalationId,
  };
}
