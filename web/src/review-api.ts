// Typed client for review operations: the workbench, wellness, the operations dashboard and review settings.
// Shapes follow src/api/routes/review.ts, wellness.ts, ops-metrics.ts and config.ts.
import type { OpsMetrics } from '../../src/review/ops/metrics.js';
import { json, request } from './api.js';

export type ReviewVerdict = 'violating' | 'not_violating' | 'escalate';
export const REVIEW_VERDICTS: readonly ReviewVerdict[] = ['violating', 'not_violating', 'escalate'];
export const SEVERITIES = ['S0', 'S1', 'S2', 'S3', 'NONE'] as const;
export const TASK_SOURCES = ['hash_match', 'classifier', 'user_report', 'escalation'] as const;
export const CLEARANCES = ['standard', 'senior'] as const;

export interface QueueSummary {
  id: string;
  name: string;
  description: string | null;
  clearance: string;
  team: string | null;
  slaMinutes: number | null;
  eligible: boolean;
  open: number;
  claimed: number;
  overdue: number;
  oldestCreatedAt: string | null;
}

export interface ExposureLimits {
  highSeverityItemsPerDay: number;
  highSeverityMinutesPerDay: number;
}

export interface ExposureStatus {
  day: string;
  items: number;
  minutes: number;
  limits: ExposureLimits;
  itemsShare: number;
  minutesShare: number;
  limitReached: boolean;
  breakPrompt: boolean;
}

export interface TaskView {
  task: {
    id: string;
    kind: string;
    queue: string;
    queueName: string;
    status: string;
    category: string | null;
    severity: string;
    priority: number;
    slaDueAt: string | null;
    createdAt: string | null;
    claimedBy: string | null;
    claimedAt: string | null;
    leaseUntil: string | null;
    assignedTo: string | null;
    source: string | null;
    clusterKey: string | null;
    ongoingHarm: boolean;
    blind: boolean;
    mine: boolean;
  };
  allowedVerdicts: ReviewVerdict[];
  item: {
    id: string;
    surface: string;
    kind: string;
    text: string | null;
    createdAt: string | null;
    conversationId: string | null;
    language: string | null;
    media: { id: string; mime: string; width: number | null; height: number | null; stored: boolean }[];
  };
  conversation: { id: string; authorId: string | null; text: string | null; kind: string; createdAt: string | null; current: boolean }[];
  accounts: {
    id: string;
    externalId: string;
    ageBand: string | null;
    createdAt: string | null;
    flags: unknown;
    role: 'author' | 'recipient';
    priorViolations: number;
  }[];
  signals: { id: string; detector: string; category: string; score: number; summary: string }[];
  whyQueued: { events: { at: string | null; payload: Record<string, unknown> }[]; reasons: string[] };
  firstDecision: {
    reviewer: string;
    verdict: string;
    category: string | null;
    labels: string[];
    policyClause: string | null;
    note: string | null;
    actions: string[];
    at: string | null;
  } | null;
}

export interface TaskListEntry {
  id: string;
  itemId: string;
  kind: string;
  queue: string;
  status: string;
  severity: string;
  category: string | null;
  slaDueAt: string | null;
  createdAt: string | null;
  claimedBy: string | null;
  assignedTo: string | null;
}

export interface DecisionInput {
  verdict: ReviewVerdict;
  category?: string | null;
  labels?: string[];
  policyClause?: string | null;
  note?: string | null;
  escalateTo?: string | null;
}

export interface DecisionResult {
  reviewDecision: { id: string; verdict: string; category: string | null; severity: string; outcome: string; actions: string[] };
  decision: { id: string; verdict: string; actions: string[] } | null;
  opened: { id: string; kind: string; queue: string }[];
  secondReviewRequired: boolean;
}

export interface WellnessToggles {
  blur: boolean;
  grayscale: boolean;
}

export interface OwnWellness {
  reviewer: string;
  queue: string | null;
  toggles: WellnessToggles;
  override: Partial<WellnessToggles>;
  exposure: ExposureStatus;
  revealSteps: Record<string, string>;
}

export interface ReviewerExposure extends ExposureStatus {
  reviewer: string;
  userId: string | null;
  name: string | null;
  email: string | null;
}

export interface ReviewerProfile {
  userId: string;
  email: string;
  name: string;
  roles: string[];
  disabled: boolean;
  configured: boolean;
  team: string | null;
  skills: string[];
  languages: string[];
  clearance: string;
  limits: ExposureLimits | null;
  effectiveLimits: ExposureLimits;
}

export interface ReviewerProfileChange {
  team?: string | null;
  skills?: string[];
  languages?: string[];
  clearance?: string;
  limits?: ExposureLimits | null;
}

export interface QueueFilters {
  categories?: string[];
  severities?: string[];
  surfaces?: string[];
  languages?: string[];
  sources?: string[];
}

export interface QueueConfig {
  id: string;
  name: string;
  description?: string;
  filters: QueueFilters;
  slaMinutes?: number;
  allowedVerdicts?: ReviewVerdict[];
  team?: string;
  clearance: string;
  skills: string[];
  escalationTarget?: string;
  wellness?: Partial<WellnessToggles>;
}

export interface ReviewConfig {
  queues: QueueConfig[];
  wellness: WellnessToggles & { limits: ExposureLimits; breakPromptAt: number };
  qa: { humanSampleRate: number; automatedSampleRate: number };
  secondReview: { severities: string[]; actions: string[] };
  leaseMinutes: number;
}

export interface ConfigVersion<T> {
  version: number;
  document: T;
  reason?: string | null;
  author?: string | null;
  createdAt: string;
}

// The dashboard's JSON is the server's own type: one definition, checked on both sides.
export type { OpsFigure, OpsMetrics, OpsRate, OpsTrendPoint } from '../../src/review/ops/metrics.js';

export type OpsTargets = Record<string, number | undefined>;

export interface TaxonomyCategory {
  id: string;
  name: string;
  severity: string;
}

/** Open tasks sharing one bank entry ('bank:<entryId>') or identical content ('content:<digest>'). */
export interface ClusterSummary {
  clusterKey: string;
  tasks: number;
  priority: number | null;
}

export interface ClusterTask extends TaskListEntry {
  priority: number;
  clusterKey: string | null;
  ongoingHarm: boolean;
}

/** What a lead's bulk decision did: each matched task decided one by one, or skipped with the reason. */
export interface BulkResult {
  bulkId: string;
  matched: number;
  decided: { taskId: string; itemId: string; outcome: string; decisionId: string | null }[];
  skipped: { taskId: string; reason: string }[];
}

export interface BulkDecisionInput {
  verdict: ReviewVerdict;
  category?: string | null;
  policyClause?: string | null;
  note?: string | null;
}

const enc = encodeURIComponent;
const task = (id: string, what: string) => `/v1/review/tasks/${enc(id)}/${what}`;

export const reviewApi = {
  queues: () => json<{ queues: QueueSummary[] }>('/v1/review/queues'),
  claim: (queues?: string[]) =>
    json<{ task: TaskView | null; exposure: ExposureStatus }>('/v1/review/claim', {
      method: 'POST',
      body: queues?.length ? { queues } : {},
    }),
  myTasks: () => json<{ tasks: TaskListEntry[] }>('/v1/review/tasks', { query: { mine: 'true' } }),
  task: (id: string) => json<TaskView>(`/v1/review/tasks/${enc(id)}`),
  decide: (id: string, body: DecisionInput) => json<DecisionResult>(task(id, 'decision'), { method: 'POST', body }),
  release: (id: string) => json<{ released: boolean }>(task(id, 'release'), { method: 'POST' }),
  renew: (id: string) => json<{ leaseUntil: string | null }>(task(id, 'renew'), { method: 'POST' }),
  hold: (id: string, reason: string) => json<{ held: boolean }>(task(id, 'hold'), { method: 'POST', body: { reason } }),
  assign: (id: string, to: string, reason: string, escalate = false) =>
    json<{ assignedTo: string }>(task(id, escalate ? 'escalate' : 'assign'), { method: 'POST', body: { to, reason } }),

  /** The review rendering of one media part; step 0 is never audited, every step above is. */
  mediaUrl: (mediaId: string, taskId: string, step: number) =>
    `/v1/review/media/${enc(mediaId)}?task=${enc(taskId)}&reveal=${step}`,
  async mediaBlob(mediaId: string, taskId: string, step: number): Promise<{ url: string; mime: string }> {
    const res = await request(reviewApi.mediaUrl(mediaId, taskId, step));
    const blob = await res.blob();
    return { url: URL.createObjectURL(blob), mime: blob.type };
  },

  clusters: (queue?: string) => json<{ clusters: ClusterSummary[] }>('/v1/review/clusters', { query: { queue } }),
  clusterTasks: (clusterKey: string) =>
    json<{ tasks: ClusterTask[] }>('/v1/review/tasks', { query: { clusterKey, status: 'open', limit: 500 } }),
  bulkDecide: (clusterKey: string, decision: BulkDecisionInput) =>
    json<BulkResult>('/v1/review/bulk', { method: 'POST', body: { query: { clusterKey }, decision } }),

  wellness: (queue?: string) => json<OwnWellness>('/v1/review/wellness', { query: { queue } }),
  setWellness: (body: { blur?: boolean | null; grayscale?: boolean | null }) =>
    json<OwnWellness>('/v1/review/wellness', { method: 'PUT', body }),
  exposure: () => json<{ day: string; reviewers: ReviewerExposure[] }>('/v1/review/exposure'),
  reviewers: () => json<{ reviewers: ReviewerProfile[] }>('/v1/review/reviewers'),
  updateReviewer: (userId: string, body: ReviewerProfileChange) =>
    json<{ reviewer: ReviewerProfile }>(`/v1/review/reviewers/${enc(userId)}`, { method: 'PUT', body }),

  config: () => json<ConfigVersion<ReviewConfig>>('/v1/review/config'),
  saveConfig: (document: ReviewConfig, reason: string) =>
    json<ConfigVersion<ReviewConfig>>('/v1/review/config', { method: 'PUT', body: { document, reason } }),
  targets: () => json<ConfigVersion<OpsTargets>>('/v1/ops/targets'),
  saveTargets: (document: OpsTargets, reason: string) =>
    json<ConfigVersion<OpsTargets>>('/v1/ops/targets', { method: 'PUT', body: { document, reason } }),
  metrics: (since: string) => json<OpsMetrics>('/v1/ops/metrics', { query: { since } }),
  taxonomy: () => json<ConfigVersion<{ categories: TaxonomyCategory[] }>>('/v1/taxonomy'),
};
