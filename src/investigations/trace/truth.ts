import type { ExpectedTruth, ItemTrace, TraceTruth } from './types.js';

/**
 * The last human word on the item, reading its steps in order: a decision a person made (review, second review,
 * escalation), a QA check, an appeal's outcome. Later words override earlier ones. Null when no person judged it.
 */
export function humanTruth(trace: Pick<ItemTrace, 'steps' | 'decisions'>): TraceTruth | null {
  let truth: TraceTruth | null = null;
  for (const s of trace.steps) {
    const d = s.data;
    if (s.kind === 'decision' && s.actor !== 'pipeline') {
      const violating = d.verdict === 'violating';
      truth = {
        verdict: violating ? 'violating' : 'not_violating', category: violating ? (typeof d.category === 'string' ? d.category : null) : null,
        source: 'review', by: typeof d.by === 'string' ? d.by : s.actor, at: s.at, eventId: s.eventId,
      };
    } else if (s.kind === 'qa_completed') {
      const violating = d.verdict === 'violating';
      truth = {
        verdict: violating ? 'violating' : 'not_violating', category: violating ? (typeof d.category === 'string' ? d.category : null) : null,
        source: 'qa', by: s.actor, at: s.at, eventId: s.eventId,
      };
    } else if (s.kind === 'appeal_resolved') {
      const upheld = d.outcome === 'upheld';
      const appealed = trace.decisions.find((x) => x.id === d.decisionId);
      truth = {
        verdict: upheld ? 'violating' : 'not_violating', category: upheld ? (appealed?.category ?? null) : null,
        source: 'appeal', by: s.actor, at: s.at, eventId: s.eventId,
      };
    }
  }
  return truth;
}

/** What the item should have been: what the investigator expects, else the last human word. */
export function truthOf(trace: ItemTrace, expected?: ExpectedTruth | null): TraceTruth | null {
  if (expected) return { verdict: 'violating', category: expected.category, source: 'expected', by: 'investigator', at: null, eventId: null };
  return trace.truth;
}
