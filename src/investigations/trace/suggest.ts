import { missedCatches } from './missed.js';
import { TRACE_CAUSES, type ExpectedTruth, type ItemTrace, type SuggestedCause, type TraceCause, type TraceEvidence } from './types.js';

/** What each item should have been: one answer for all of them, or per item id. */
export type ExpectedFor = ExpectedTruth | ReadonlyMap<string, ExpectedTruth> | null | undefined;

function expectedOf(expected: ExpectedFor, itemId: string): ExpectedTruth | null {
  if (!expected) return null;
  if (expected instanceof Map) return expected.get(itemId) ?? null;
  return expected as ExpectedTruth;
}

/**
 * The distinct root causes behind several items' missed catches, each with links to the trace steps that show it.
 * Deterministic: most evidence first, then most items, then the cause that came earliest in an item's misses (its
 * first missed catch leads), then the taxonomy's order; evidence in the order of the traces given and their misses.
 */
export function suggestRootCauses(traces: readonly ItemTrace[], expected?: ExpectedFor): SuggestedCause[] {
  const byCause = new Map<TraceCause, TraceEvidence[]>();
  // How early a cause comes in any item's list of misses: an item's first missed catch leads among equals.
  const earliest = new Map<TraceCause, number>();
  for (const trace of traces) {
    for (const [position, miss] of missedCatches(trace, expectedOf(expected, trace.itemId)).entries()) {
      earliest.set(miss.cause, Math.min(earliest.get(miss.cause) ?? position, position));
      const step = miss.step === null ? null : trace.steps[miss.step];
      const evidence: TraceEvidence = {
        itemId: trace.itemId, eventId: miss.eventId, step: step ? `#${step.index} ${step.kind}: ${step.title}` : 'item', text: miss.text,
      };
      byCause.set(miss.cause, [...(byCause.get(miss.cause) ?? []), evidence]);
    }
  }
  const items = (e: TraceEvidence[]) => new Set(e.map((x) => x.itemId)).size;
  return [...byCause]
    .map(([cause, evidence]) => ({ cause, evidence }))
    .sort((a, b) => b.evidence.length - a.evidence.length || items(b.evidence) - items(a.evidence)
      || (earliest.get(a.cause) ?? 0) - (earliest.get(b.cause) ?? 0) || TRACE_CAUSES.indexOf(a.cause) - TRACE_CAUSES.indexOf(b.cause));
}
