import type { CategoryId } from '../core/taxonomy.js';
import type { Account, Evidence, Item, Signal } from '../core/types.js';
import type { ActiveLabel, ActiveSnooze } from '../investigations/labels.js';
import type { AccountAggregate } from './behaviour/evaluate.js';
import type { ConversationState } from './conversation/state.js';

/** The conversation an item belongs to, as it stood before this item. */
export interface ConversationContext {
  id: string;
  /** Messages in the conversation sent before this one. */
  messagesBefore: number;
  state: ConversationState | null;
}

/** Windowed contact counts around the item's author and recipients, this item's contacts included. */
export interface BehaviourContext {
  minorRecipients: AccountAggregate;
  newAccountMinorRecipients: AccountAggregate;
  minorFriendRequests: AccountAggregate;
  adultSenders: { recipientId: string; recipientBand: Account['ageBand']; senders: AccountAggregate }[];
}

/** What the pipeline knows around an item beyond the item itself; loaded by the pipeline, read by detectors. */
export interface DetectionContext {
  conversation: ConversationContext | null;
  behaviour: BehaviourContext | null;
  /** Labels in force on the item's author account, conversation and device (metadata.deviceId); absent: none loaded. */
  labels?: readonly ActiveLabel[];
  /** Rule snoozes in force for the item's author account and conversation. */
  snoozes?: readonly ActiveSnooze[];
}

export interface DetectionInput {
  item: Item;
  author: Account | null;
  recipients: Account[];
  context?: DetectionContext;
}

export interface SignalDraft {
  category: CategoryId;
  score: number;
  evidence: Evidence;
}

/** State a detector carries from one item to the next, saved with the item's results. */
export type StateUpdate = { kind: 'conversation'; conversationId: string; state: ConversationState };

export interface DetectorResult {
  signals: SignalDraft[];
  updates?: StateUpdate[];
  /** What the detector computed even when it raised nothing (e.g. a conversation's score), kept in the trace. */
  details?: Record<string, unknown>;
}

/**
 * A detector looks at one item and returns signals. It declares what it reads and what it costs, so the cascade
 * can run cheap detectors first, and the versions of everything it used, so its signals can be explained later.
 * `prior` holds the signals cheaper detectors already raised on this item (conversation risk reads the indicators
 * the text rules found).
 */
export interface Detector {
  readonly id: string;
  /** 'contact': the item is addressed to someone (a message or a friend request). */
  readonly inputs: readonly ('text' | 'image' | 'video' | 'contact')[];
  /** Relative cost per item: 1 for an in-memory lookup, 1000 for a paid model call. */
  readonly cost: number;
  /** 'cascade': runs only when the cascade plan asks for it (LLM classifiers); otherwise on every item it applies to. */
  readonly stage?: 'cascade';
  versions(): Record<string, string | number>;
  /** Narrows `inputs` by what the pipeline loaded around the item (e.g. entity.labels only where a label is in force). */
  appliesTo?(input: DetectionInput): boolean;
  detect(input: DetectionInput, prior: readonly Signal[]): SignalDraft[] | DetectorResult | Promise<SignalDraft[] | DetectorResult>;
}

export function detectorApplies(d: Detector, item: Item, input?: DetectionInput): boolean {
  if (input && d.appliesTo && !d.appliesTo(input)) return false;
  const hasText = Boolean(item.text);
  const hasImage = item.media.some((m) => m.mime.startsWith('image/'));
  const hasVideo = item.media.some((m) => m.mime.startsWith('video/'));
  const hasContact = item.recipientIds.length > 0 && item.authorId !== null;
  return d.inputs.some(
    (i) => (i === 'text' && hasText) || (i === 'image' && hasImage) || (i === 'video' && hasVideo) || (i === 'contact' && hasContact),
  );
}
