// Typed client for investigations: escalations, root causes, remediation and the board, enforcement traces, labels
// on entities, and proposals (backtest, approve, deploy, watch) with the loop figures. Shapes follow
// src/api/routes/escalations.ts, traces.ts, labels.ts and proposals.ts (times are ISO strings).
import { json, request } from './api.js';

const enc = encodeURIComponent;

export * from './investigations-model.js';

export interface Sla {
  dueAt: string;
  overdue: boolean;
  met: boolean | null;
}

export interface Escalation {
  id: string;
  title: string;
  summary: string;
  source: string;
  priority: string;
  status: string;
  owner: string | null;
  slaDueAt: string;
  outcome: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  sla: Sla;
}

export interface EscalationEntity {
  entityType: string;
  entityId: string;
  relation: string;
  addedBy: string;
  addedAt: string;
}

export interface EscalationNote {
  id: string;
  author: string;
  kind: string;
  text: string;
  at: string;
}

export interface RootCauseEvidence {
  itemId: string | null;
  eventId: string | null;
  step: string;
  text: string;
}

export interface RootCauseRecord {
  id: string;
  escalationId: string;
  cause: string;
  status: string;
  evidence: RootCauseEvidence[];
  note: string | null;
  suggestedBy: string;
  decidedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RemediationItem {
  id: string;
  escalationId: string;
  team: string;
  title: string;
  owner: string | null;
  dueAt: string | null;
  status: string;
  rootCauseId: string | null;
  proposalId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  doneAt: string | null;
  overdue?: boolean;
  escalationTitle?: string;
  escalationPriority?: string;
}

export interface LinkedProposal {
  id: string;
  kind: string;
  title: string;
  status: string;
  rootCause: string | null;
  createdAt: string;
  deployedAt: string | null;
}

export interface EscalationDetail {
  escalation: Escalation;
  category: string | null;
  entities: EscalationEntity[];
  notes: EscalationNote[];
  rootCauses: RootCauseRecord[];
  remediation: RemediationItem[];
  proposals: LinkedProposal[];
}

export interface RelatedCandidate {
  entityType: 'item';
  entityId: string;
  relations: { relation: string; via: string; detail: string }[];
}

export interface Board {
  generatedAt: string;
  total: number;
  overdue: number;
  teams: { team: string; items: RemediationItem[]; overdue: number }[];
}

export interface EntityRefs {
  items?: { id?: string; externalId?: string }[];
  accounts?: { id?: string; externalId?: string }[];
  conversations?: string[];
  bankEntries?: string[];
}

export interface TraceStep {
  index: number;
  at: string;
  kind: string;
  eventId: string | null;
  actor: string;
  title: string;
  detail: string;
  data: Record<string, unknown>;
}

export interface MissedCatch {
  step: number | null;
  eventId: string | null;
  cause: string;
  text: string;
}

export interface SuggestedCause {
  cause: string;
  evidence: { itemId: string; eventId: string | null; step: string; text: string }[];
}

export interface TraceMedia {
  id: string;
  index: number;
  mime: string;
  width: number | null;
  height: number | null;
  hashed: boolean;
  pdqQuality: number | null;
  /** The blurred preview: the only media link a trace carries. */
  previewUrl: string;
}

export interface ItemTrace {
  itemId: string;
  externalId: string;
  surface: string;
  kind: string;
  status: string;
  authorId: string | null;
  conversationId: string | null;
  createdAt: string;
  ingestedAt: string;
  media: TraceMedia[];
  steps: TraceStep[];
  coverage: { category: string; detectors: string[] }[];
  truth: { verdict: string; category: string | null; source: string; by: string; at: string | null; eventId: string | null } | null;
  textTactics: string[];
  builtAt: string;
}

export interface ItemTraceResponse {
  trace: ItemTrace;
  expected: { category: string } | null;
  firstMissedCatch: MissedCatch | null;
  missedCatches: MissedCatch[];
  suggestions: SuggestedCause[];
}

export interface AccountTrace {
  accountId: string;
  externalId: string;
  ageBand: string;
  createdAt: string;
  flags: string[];
  items: {
    itemId: string;
    externalId: string;
    surface: string;
    kind: string;
    createdAt: string;
    verdict: string | null;
    category: string | null;
    decidedBy: string | null;
    actions: { type: string; status: string }[];
    review: { queue: string; status: string; verdict: string | null; reviewer: string | null } | null;
  }[];
  truncated: boolean;
  events: TraceStep[];
}

export interface EntityLabel {
  id: string;
  entityType: string;
  entityId: string;
  label: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  escalationId: string | null;
  removedAt: string | null;
  active: boolean;
  effect: string | null;
}

export interface Proposal {
  id: string;
  escalationId: string | null;
  kind: string;
  title: string;
  status: string;
  change: unknown;
  rootCause: string | null;
  proposedBy: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  deployedBy: string | null;
  deployedAt: string | null;
  deployment: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface PrecisionFigure {
  items: number;
  labelled: number;
  confirmed: number;
  sameCategory: number;
  estimate: number | null;
  bySource: Record<string, number>;
}

export interface Outcome {
  verdict: string;
  category: string | null;
  actions: string[];
  reasons: string[];
}

export interface BacktestReport {
  environment: string;
  items: number;
  undecidedBefore: number;
  configuration: { overridden: string[]; llm: string; notes: string[] };
  verdicts: { before: Record<string, number>; after: Record<string, number> };
  actions: {
    before: Record<string, number>;
    after: Record<string, number>;
    delta: Record<string, number>;
    itemsWithMoreActions: number;
    itemsWithFewerActions: number;
  };
  flips: {
    total: number;
    verdict: number;
    category: number;
    listedLimit: number;
    listed: {
      itemId: string;
      externalId: string;
      surface: string;
      before: Outcome | null;
      after: Outcome;
      change: string;
      label: { violating: boolean; category: string | null; source: string } | null;
    }[];
  };
  precision: {
    definition: string;
    newActions: PrecisionFigure;
    droppedActions: PrecisionFigure;
    before: PrecisionFigure;
    after: PrecisionFigure;
    labelSources: Record<string, number>;
  };
  timings: { seconds: number; setupSeconds: number; itemsPerSecond: number };
}

export interface BacktestRecord {
  id: string;
  environment: string;
  windowFrom: string | null;
  windowTo: string | null;
  items: number;
  report: BacktestReport;
  runBy: string;
  createdAt: string;
}

export interface WatchReport {
  proposalId: string;
  rootCause: string | null;
  status: 'not_deployed' | 'watching';
  deployedAt: string | null;
  itemsSince: number;
  caught: { items: number; sample: string[] };
  recurrences: { items: number; sample: string[] };
  recurred: boolean;
  definition: string;
}

export interface LoopFigures {
  window: { from: string; to: string };
  escalations: number;
  withDeployedFix: number;
  shareWithDeployedFix: number | null;
  timeToFirstFixMs: { count: number; p50: number | null; p90: number | null };
  recurrenceByRootCause: { rootCause: string; watched: number; recurred: number; rate: number }[];
}

export interface Bank {
  id: string;
  name: string;
  matchMode: string;
  enabled: boolean;
}

const post = <T>(path: string, body: unknown) => json<T>(path, { method: 'POST', body });
const patch = <T>(path: string, body: unknown) => json<T>(path, { method: 'PATCH', body });

export const invApi = {
  listEscalations: (query: { status?: string; priority?: string; owner?: string; overdue?: string }) =>
    json<{ escalations: Escalation[] }>('/v1/escalations', { query }),
  openEscalation: (body: { title: string; summary?: string; source: string; priority: string; owner?: string; entities: EntityRefs }) =>
    post<EscalationDetail>('/v1/escalations', body),
  getEscalation: (id: string) => json<EscalationDetail>(`/v1/escalations/${enc(id)}`),
  addNote: (id: string, text: string) => post<unknown>(`/v1/escalations/${enc(id)}/notes`, { text }),
  changeStatus: (id: string, body: { status: string; outcome?: string; category?: string; note?: string }) =>
    post<EscalationDetail & { examples: unknown }>(`/v1/escalations/${enc(id)}/status`, body),
  setOwner: (id: string, owner: string | null) => post<EscalationDetail>(`/v1/escalations/${enc(id)}/owner`, { owner }),
  addEntities: (id: string, entities: EntityRefs) => post<unknown>(`/v1/escalations/${enc(id)}/entities`, entities),
  related: (id: string) => json<{ candidates: RelatedCandidate[] }>(`/v1/escalations/${enc(id)}/related`),
  addRelated: (id: string, add: true | string[]) => post<unknown>(`/v1/escalations/${enc(id)}/related`, { add }),
  suggestCauses: (id: string, expectedCategory?: string) =>
    post<{ added: RootCauseRecord[]; alreadyRecorded: unknown[]; tracedItems: number; expectedCategory: string | null }>(
      `/v1/escalations/${enc(id)}/root-causes/suggest`,
      expectedCategory ? { expectedCategory } : {},
    ),
  addCause: (id: string, body: { cause: string; evidence: RootCauseEvidence[]; note?: string }) =>
    post<{ rootCause: RootCauseRecord }>(`/v1/escalations/${enc(id)}/root-causes`, body),
  decideCause: (id: string, causeId: string, body: { status: 'confirmed' | 'rejected'; note?: string }) =>
    patch<{ rootCause: RootCauseRecord }>(`/v1/escalations/${enc(id)}/root-causes/${enc(causeId)}`, body),
  addRemediation: (id: string, body: { team: string; title: string; owner?: string; dueAt?: string; rootCauseId?: string; proposalId?: string }) =>
    post<{ remediation: RemediationItem }>(`/v1/escalations/${enc(id)}/remediation`, body),
  updateRemediation: (id: string, body: { status?: string; owner?: string | null; dueAt?: string | null }) =>
    patch<{ remediation: RemediationItem }>(`/v1/remediation/${enc(id)}`, body),
  board: (query: { team?: string; owner?: string }) => json<Board>('/v1/remediation', { query }),
  async postmortem(id: string): Promise<string> {
    const res = await request(`/v1/escalations/${enc(id)}/postmortem`);
    return res.text();
  },

  itemTrace: (id: string, expected?: string | null) =>
    json<ItemTraceResponse>(`/v1/items/${enc(id)}/trace`, { query: { expected: expected ?? undefined } }),
  accountTrace: (id: string, limit = 50) => json<AccountTrace>(`/v1/accounts/${enc(id)}/trace`, { query: { limit } }),

  labels: (entityType: string, entityId: string) =>
    json<{ labels: EntityLabel[] }>('/v1/labels', { query: { entityType, entityId } }),
  addLabel: (body: { entityType: string; entityId: string; label: string; reason: string; expiresAt?: string; escalationId?: string }) =>
    post<{ label: EntityLabel }>('/v1/labels', body),

  listBanks: () => json<{ banks: Bank[] }>('/v1/banks'),
  listProposals: (query: { status?: string; escalationId?: string }) =>
    json<{ proposals: Proposal[]; nextCursor: string | null }>('/v1/proposals', { query }),
  createProposal: (body: { kind: string; title: string; change: unknown; escalationId?: string; rootCause?: string }) =>
    post<{ proposal: Proposal }>('/v1/proposals', body),
  getProposal: (id: string) => json<{ proposal: Proposal; backtests: BacktestRecord[] }>(`/v1/proposals/${enc(id)}`),
  backtest: (id: string, days: number) =>
    post<{ proposal: Proposal; backtest: { id: string }; report: BacktestReport }>(`/v1/proposals/${enc(id)}/backtest`, { days }),
  decide: (id: string, verdict: 'approve' | 'reject', note: string) =>
    post<{ proposal: Proposal }>(`/v1/proposals/${enc(id)}/${verdict}`, { note }),
  deploy: (id: string) => post<{ proposal: Proposal; retroaction: unknown }>(`/v1/proposals/${enc(id)}/deploy`, {}),
  watch: (id: string) => json<{ watch: WatchReport }>(`/v1/proposals/${enc(id)}/watch`),
  loopFigures: (since: string) => json<{ figures: LoopFigures }>('/v1/loop/figures', { query: { since } }),
};
