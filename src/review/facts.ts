import { type Account, type Decision, isMinorBand, type Item, type Signal } from '../core/types.js';
import type { TaskSource } from './config.js';

/** What routing, priority, clustering and wellness need to know about a piece of review work. Pure. */
export interface TaskFacts {
  source: TaskSource;
  surface: string;
  language: string | null;
  /** How many people the content reached (the platform's count, else its recipients). */
  reach: number;
  hasMedia: boolean;
  /** Items with the same key can be decided together: one bank entry, or byte-identical content. */
  clusterKey: string;
  /** A live conversation with a minor-band account in which risk was raised: harm may still be happening. */
  ongoingHarm: boolean;
}

const CONVERSATION_DETECTORS = new Set(['conversation.risk', 'behaviour.contacts']);

export function taskFactsOf(item: Item, recipients: readonly Account[], signals: readonly Signal[], decision: Decision): TaskFacts {
  const deciding = new Set(decision.reasons.map((r) => r.signalId));
  const reasons = signals.filter((s) => deciding.has(s.id));
  const reported = item.metadata.source === 'user_report' || typeof item.metadata.reportedBy === 'string';
  const source: TaskSource = reported ? 'user_report' : reasons.some((s) => s.detector.startsWith('hash')) ? 'hash_match' : 'classifier';
  const bankEntry = reasons.find((s) => s.evidence.bankEntryId)?.evidence.bankEntryId;
  const reach = typeof item.metadata.reach === 'number' && Number.isFinite(item.metadata.reach) ? item.metadata.reach : recipients.length;
  const language = typeof item.metadata.language === 'string' ? item.metadata.language.slice(0, 16) : null;
  const ongoingHarm =
    item.conversationId !== null &&
    recipients.some((r) => isMinorBand(r.ageBand)) &&
    reasons.some((s) => CONVERSATION_DETECTORS.has(s.detector));
  return {
    source, surface: item.surface, language, reach: Math.max(0, Math.floor(reach)), hasMedia: item.media.length > 0,
    clusterKey: bankEntry ? `bank:${bankEntry}` : `content:${item.contentDigest}`, ongoingHarm,
  };
}
