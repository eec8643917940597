import { duration, iso } from './steps.js';
import type { ItemTrace, MissedCatch, SuggestedCause } from './types.js';

/** The analysed trace as plain text: the timeline, then where the item could have been caught, then likely causes. */
export function renderItemTrace(trace: ItemTrace, missed: MissedCatch | null, causes: readonly SuggestedCause[]): string {
  const out: string[] = [];
  out.push(`trace of item ${trace.itemId} (external ${trace.externalId}): ${trace.kind} on ${trace.surface}, status ${trace.status}`);
  if (trace.truth) out.push(`truth: ${trace.truth.verdict}${trace.truth.category ? ` ${trace.truth.category}` : ''} (${trace.truth.source}, ${trace.truth.by})`);
  out.push('');
  for (const s of trace.steps) {
    const mark = missed?.step === s.index ? '>>' : '  ';
    out.push(`${mark} #${String(s.index).padEnd(3)} ${iso(s.at)}  ${s.title}`);
    if (s.detail) out.push(`         ${s.detail}`);
  }
  if (trace.reviews.length) {
    out.push('', 'review:');
    for (const r of trace.reviews) {
      const sla = r.slaMs === null ? 'no SLA' : `SLA ${duration(r.slaMs)}${r.overdueMs > 0 ? `, ${duration(r.overdueMs)} late` : ''}`;
      out.push(`  ${r.kind} in ${r.queue}: ${r.status}, waited ${duration(r.waitedMs)} (${sla})${r.reviewer ? `; ${r.reviewer} decided ${r.verdict}${r.category ? ` ${r.category}` : ''}` : ''}`);
    }
  }
  out.push('', missed ? `first missed catch (${missed.cause}): ${missed.text}` : 'first missed catch: none (caught promptly, or nothing says it should have been)');
  if (causes.length) {
    out.push('', 'likely root causes:');
    for (const c of causes) {
      out.push(`  ${c.cause}`);
      for (const e of c.evidence) out.push(`    ${e.step}: ${e.text}`);
    }
  }
  return `${out.join('\n')}\n`;
}
