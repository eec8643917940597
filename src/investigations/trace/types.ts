// The enforcement trace: what Haven did with an item, step by step, and what an investigator needs to say where it
// could have been caught. Times are epoch milliseconds (the API presents them as ISO strings). Plain text only: no
// media bytes and no original-media URLs (the blurred preview is the one media link a trace carries).

/** Root causes a trace can point to; a subset of the investigations taxonomy (src/investigations/root-causes.ts). */
export const TRACE_CAUSES = [
  'detection_gap', 'threshold', 'hash_not_banked', 'evasion_obfuscation', 'evasion_perturbation', 'classifier_miss',
  'reviewer_error', 'queue_delay', 'delivery_failure',
] as const;
export type TraceCause = (typeof TRACE_CAUSES)[number];

/** One thing the system did, read from one event. `kind` is the event type. */
export interface TraceStep {
  index: number;
  at: number;
  kind: string;
  eventId: string | null;
  actor: string;
  title: string;
  detail: string;
  data: Record<string, unknown>;
}

export interface TraceDetectorRun {
  detector: string;
  eventId: string;
  at: number;
  versions: Record<string, string | number>;
  signals: number;
  shadow: boolean;
}

/** Where a hash signal landed against its bank entry. */
export interface TraceHashMatch {
  hashType: string;
  distance: number | null;
  matchRadius: number | null;
  nearMiss: boolean;
  bankId: string | null;
  bankEntryId: string | null;
  bankName: string | null;
}

export interface TraceSignal {
  id: string | null;
  eventId: string | null;
  at: number;
  detector: string;
  detectorVersion: string;
  category: string;
  score: number;
  summary: string;
  /** Recorded for analysis, never decides (near misses, shadow runs). */
  informational: boolean;
  hash: TraceHashMatch | null;
  /** Text evasion tactics the normaliser undid before the rules matched. */
  tactics: string[];
  /** The thresholds of the category on the item's surface in the policy version that decided (null when unknown). */
  thresholds: { action: number; review: number; policyVersion: number } | null;
}

export interface TraceCascade {
  eventId: string;
  at: number;
  version: number;
  asked: boolean;
  shadow: boolean;
  reasons: string[];
  confirm: string[];
  detectors: string[];
}

export interface TraceDecision {
  id: string;
  eventId: string | null;
  at: number;
  /** 'pipeline', or who decided (user:<email>, joined with ' and ' for a confirmed second review). */
  by: string;
  automated: boolean;
  verdict: string;
  category: string | null;
  severity: string;
  policyVersion: number;
  taxonomyVersion: number;
  actions: string[];
  reasons: { category: string; detector: string; score: number; threshold: number; thresholdKind: string; text: string }[];
}

export interface TraceAction {
  id: string;
  decisionId: string;
  type: string;
  delivery: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  accountId: string | null;
}

/** A review task: how long it waited in its queue against its SLA, and what the reviewer decided. */
export interface TraceReview {
  taskId: string;
  kind: string;
  queue: string;
  status: string;
  createdAt: number;
  slaDueAt: number | null;
  slaMs: number | null;
  claimedAt: number | null;
  decidedAt: number | null;
  /** From enqueue to decision (or to the trace's `now` while open). */
  waitedMs: number;
  /** How far past its SLA it was decided (or is, while open); 0 when within it. */
  overdueMs: number;
  reviewer: string | null;
  verdict: string | null;
  category: string | null;
  outcome: string | null;
  agrees: boolean | null;
  decidedEventId: string | null;
}

export interface TraceAppeal {
  appealId: string;
  filedAt: number;
  filedEventId: string;
  outcome: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolvedEventId: string | null;
}

/** What the item should have been: the last human word on it, or what an investigator says it is. */
export interface TraceTruth {
  verdict: 'violating' | 'not_violating';
  category: string | null;
  source: 'review' | 'qa' | 'appeal' | 'expected';
  by: string;
  at: number | null;
  eventId: string | null;
}

export interface ItemTrace {
  itemId: string;
  externalId: string;
  surface: string;
  kind: string;
  status: string;
  authorId: string | null;
  conversationId: string | null;
  createdAt: number;
  ingestedAt: number;
  /** Media parts, described; `previewUrl` is the blurred preview (items:read), never the original. */
  media: { id: string; index: number; mime: string; width: number | null; height: number | null; hashed: boolean; pdqQuality: number | null; previewUrl: string }[];
  steps: TraceStep[];
  detectors: TraceDetectorRun[];
  signals: TraceSignal[];
  cascade: TraceCascade | null;
  decisions: TraceDecision[];
  actions: TraceAction[];
  reviews: TraceReview[];
  appeals: TraceAppeal[];
  /** Evasion tactics in the item's text (read when the trace is built), empty without text. */
  textTactics: string[];
  /** Per category, the detectors that ran on the item and could raise it (their configuration at the time). */
  coverage: { category: string; detectors: string[] }[];
  /** The last human word on the item, when there is one. */
  truth: TraceTruth | null;
  /** When the trace was built: open review tasks are measured up to here. */
  builtAt: number;
}

export interface MissedCatch {
  /** Index of the trace step where the item could have been caught (null when no single step holds it). */
  step: number | null;
  eventId: string | null;
  cause: TraceCause;
  text: string;
}

export interface TraceEvidence {
  itemId: string;
  eventId: string | null;
  /** The step, readable: "#4 signal: hashmatch.pdq near miss". */
  step: string;
  text: string;
}

export interface SuggestedCause {
  cause: TraceCause;
  evidence: TraceEvidence[];
}

export interface AccountTraceItem {
  itemId: string;
  externalId: string;
  surface: string;
  kind: string;
  createdAt: number;
  verdict: string | null;
  category: string | null;
  decidedBy: string | null;
  actions: { type: string; status: string }[];
  review: { queue: string; status: string; verdict: string | null; reviewer: string | null } | null;
}

export interface AccountTrace {
  accountId: string;
  externalId: string;
  ageBand: string;
  createdAt: number;
  flags: string[];
  items: AccountTraceItem[];
  /** Whether more items exist than `limit` returned. */
  truncated: boolean;
  /** Events about the account itself: actions against it, holds, reports. */
  events: TraceStep[];
}

/** What an investigator says the item is, when no decision says so. */
export interface ExpectedTruth {
  category: string;
}
