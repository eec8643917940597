import type {
  AccountId, ActionId, BankEntryId, BankId, DecisionId, EventId, ItemId, MediaId, SignalId, UserId,
} from './ids.js';
import type { ActionType } from './actions.js';
import type { CategoryId, Severity } from './taxonomy.js';

export const ITEM_KINDS = ['text', 'image', 'video', 'multimodal'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const AGE_BANDS = ['unknown', 'under_13', '13_15', '16_17', 'adult'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function isMinorBand(band: AgeBand): boolean {
  return band === 'under_13' || band === '13_15' || band === '16_17';
}

export interface Account {
  id: AccountId;
  externalId: string;
  ageBand: AgeBand;
  createdAt: number;
  flags: string[];
}

export interface MediaPart {
  id: MediaId;
  index: number;
  mime: string;
  bytes: number;
  md5: string;
  sha256: string;
  width: number | null;
  height: number | null;
  stored: boolean;
  /** PDQ of an image (64 hex chars), its quality 0-100, and the 8 dihedral variants (for matching rotated copies). */
  pdq: string | null;
  pdqQuality: number | null;
  pdqDihedral: string[] | null;
  /** vPDQ of a video: one PDQ per sampled frame. */
  vpdq: VideoFrameHash[] | null;
  /** Why a perceptual hash could not be made (the item is still matched by digest). */
  hashError: string | null;
}

export interface VideoFrameHash {
  index: number;
  timestampSec: number;
  hash: string;
  quality: number;
}

export interface Item {
  id: ItemId;
  externalId: string;
  contentDigest: string;
  surface: string;
  kind: ItemKind;
  text: string | null;
  media: MediaPart[];
  authorId: AccountId | null;
  conversationId: string | null;
  recipientIds: AccountId[];
  createdAt: number;
  ingestedAt: number;
  metadata: Record<string, unknown>;
  status: ItemStatus;
}

export type ItemStatus = 'pending' | 'processed' | 'failed';

/** What a detector saw that made it fire; stored verbatim so a decision can be explained later. */
export interface Evidence {
  summary: string;
  bankId?: BankId;
  bankEntryId?: BankEntryId;
  hashType?: string;
  hash?: string;
  mediaId?: MediaId;
  terms?: { term: string; start: number; end: number }[];
  [key: string]: unknown;
}

export interface Signal {
  id: SignalId;
  itemId: ItemId;
  detector: string;
  detectorVersion: string;
  category: CategoryId;
  score: number;
  evidence: Evidence;
  createdAt: number;
}

export type Verdict = 'violating' | 'needs_review' | 'no_violation';

export interface DecisionReason {
  category: CategoryId;
  signalId: SignalId;
  detector: string;
  score: number;
  threshold: number;
  thresholdKind: 'action' | 'review';
  text: string;
}

export interface Decision {
  id: DecisionId;
  itemId: ItemId;
  policyVersion: number;
  taxonomyVersion: number;
  verdict: Verdict;
  category: CategoryId | null;
  severity: Severity;
  actions: ActionType[];
  reasons: DecisionReason[];
  createdAt: number;
}

/**
 * recorded: noted for a capability that carries it out later (e.g. the evidence vault); done: carried out inside Haven;
 * cancelled: withdrawn before it reached the platform (its decision was overturned on appeal).
 */
export type ActionStatus = 'pending' | 'delivered' | 'dead' | 'awaiting_approval' | 'recorded' | 'done' | 'cancelled';

export interface Action {
  id: ActionId;
  decisionId: DecisionId;
  itemId: ItemId;
  accountId: AccountId | null;
  type: ActionType;
  status: ActionStatus;
  idempotencyKey: string;
  createdAt: number;
  deliveredAt: number | null;
}

export const EVENT_TYPES = [
  'item_ingested', 'item_duplicate', 'detector_ran', 'signal', 'decision', 'action_requested',
  'action_delivered', 'action_failed', 'action_dead', 'review_enqueued', 'processing_failed',
  'bank_created', 'bank_entry_added', 'config_deployed', 'media_viewed', 'cascade_planned', 'inline_checked',
  'evidence_preserved', 'evidence_viewed', 'legal_hold_placed', 'legal_hold_released', 'retention_ran',
  'report_drafted', 'report_approved', 'report_submitted',
  'appeal_filed', 'appeal_resolved', 'action_cancelled',
  'review_claimed', 'review_decided', 'review_second_required', 'qa_completed', 'review_assigned', 'review_held',
  'review_released', 'review_escalated', 'media_revealed',
  'escalation_opened', 'escalation_note_added', 'escalation_status_changed', 'escalation_assigned', 'escalation_entities_added',
  'root_cause_suggested', 'root_cause_added', 'root_cause_decided', 'remediation_added', 'remediation_updated',
  'proposal_created', 'proposal_backtested', 'proposal_approved', 'proposal_rejected', 'proposal_deployed', 'retroaction_applied',
  'label_added', 'label_removed', 'rule_snoozed', 'rule_snooze_removed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One step of the pipeline, appended and never changed. `versions` names every versioned thing the step used. */
export interface HavenEvent {
  id: EventId;
  at: number;
  type: EventType;
  itemId: ItemId | null;
  accountId: AccountId | null;
  actor: string;
  versions: Record<string, string | number>;
  payload: Record<string, unknown>;
}

export interface User {
  id: UserId;
  email: string;
  name: string;
  roles: string[];
  createdAt: number;
  disabledAt: number | null;
}
