// Haven web API client and contract types.
//
// Sessions live in an httpOnly cookie set by POST /v1/auth/login; every
// non-GET request must also carry the CSRF token returned by login/me.

export type Verdict = 'violating' | 'needs_review' | 'no_violation';
export type ItemStatus = 'pending' | 'processed' | 'failed';
export type HashType = 'md5' | 'sha256' | 'pdq';

export interface User {
  id: string;
  email: string;
  name: string;
  roles: string[];
  permissions: string[];
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface ItemSummary {
  id: string;
  externalId: string;
  surface: string;
  kind: string;
  textPreview: string | null;
  authorExternalId: string | null;
  createdAt: string;
  ingestedAt: string;
  status: ItemStatus;
  verdict: Verdict | null;
  category: string | null;
  severity: string | null;
  mediaCount: number;
}

export interface ItemList {
  items: ItemSummary[];
  nextCursor: string | null;
}

export interface MediaPart {
  id: string;
  index: number;
  mime: string;
  bytes: number;
  md5: string;
  sha256: string;
  width: number | null;
  height: number | null;
  stored: boolean;
}

export interface Item {
  id: string;
  externalId: string;
  contentDigest: string;
  surface: string;
  kind: string;
  text: string | null;
  media: MediaPart[];
  conversationId: string | null;
  createdAt: string;
  ingestedAt: string;
  status: ItemStatus;
  metadata: Record<string, unknown> | null;
}

export interface Account {
  id: string;
  externalId: string;
  /** 'unknown' | 'under_13' | '13_15' | '16_17' | 'adult' */
  ageBand: string | null;
  createdAt: string | number | null;
  flags: string[] | Record<string, unknown> | null;
}

export interface SignalEvidence {
  summary: string;
  bankId?: string;
  bankEntryId?: string;
  hashType?: string;
  hash?: string;
  mediaId?: string;
  /** matched terms with their offsets in the text */
  terms?: (string | { term: string; start: number; end: number })[];
  [key: string]: unknown;
}

export interface Signal {
  id: string;
  detector: string;
  detectorVersion: string | number;
  category: string;
  score: number;
  evidence: SignalEvidence;
  createdAt: string;
}

export interface Reason {
  category: string;
  signalId: string;
  detector: string;
  score: number;
  threshold: number;
  thresholdKind: string;
  text: string;
}

export interface Decision {
  id: string;
  policyVersion: string | number;
  taxonomyVersion: string | number;
  verdict: Verdict;
  category: string | null;
  severity: string | null;
  actions: string[];
  reasons: Reason[];
  createdAt: string;
}

export interface Action {
  id: string;
  type: string;
  /** 'platform' | 'internal' | 'approval' (beyond the written contract) */
  delivery?: string;
  /** 'pending' | 'delivered' | 'dead' | 'awaiting_approval' | 'recorded' | 'done' */
  status: string;
  idempotencyKey: string;
  createdAt: string;
  deliveredAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface HavenEvent {
  id: string;
  at: string;
  type: string;
  actor: string | null;
  versions: Record<string, string | number>;
  payload: unknown;
}

export interface ReviewTask {
  id: string;
  queue: string;
  category: string | null;
  severity: string | null;
  status: string;
  slaDueAt: string | null;
  createdAt: string;
}

export interface ItemDetail {
  item: Item;
  author: Account | null;
  recipients: Account[];
  signals: Signal[];
  /** the latest decision */
  decision: Decision | null;
  /** every decision, oldest first (beyond the written contract) */
  decisions?: Decision[];
  actions: Action[];
  /** beyond the written contract */
  reviewTasks?: ReviewTask[];
  events: HavenEvent[];
}

export interface Bank {
  id: string;
  name: string;
  description: string | null;
  source: string | null;
  entryCount: number;
  createdAt: string;
  /** What a match does: enforce (the policy decides), review (a person decides), shadow (recorded only). */
  matchMode: 'enforce' | 'review' | 'shadow';
  enabled: boolean;
}

export interface BankEntry {
  id: string;
  bankId: string;
  hashType: HashType;
  hash: string;
  category: string;
  classification: string | null;
  label: string | null;
  createdAt: string;
}

export interface NewBankEntry {
  hashType: HashType;
  hash: string;
  category: string;
  classification?: string;
  label?: string;
}

export interface ApiIssue {
  /** "body.entries.0.hash" (string) or ["entries", 0, "hash"] */
  path?: string | (string | number)[];
  message?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];

  constructor(status: number, code: string, message: string, issues: ApiIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called whenever an authenticated request comes back 401 (session expired). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type Query = Record<string, string | number | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `Request failed (${res.status})`;
  let issues: ApiIssue[] = [];
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; issues?: ApiIssue[] };
    };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      issues = Array.isArray(body.error.issues) ? body.error.issues : [];
    }
  } catch {
    // not JSON; keep the status text
  }
  return new ApiError(res.status, code, message, issues);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  /** Don't broadcast a 401 (used by the initial session probe and login). */
  quiet401?: boolean;
}

export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (err) {
    throw new ApiError(0, 'network_error', `Could not reach the server (${(err as Error).message})`);
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
    throw error;
  }
  return res;
}

export async function json<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const api = {
  login: (email: string, password: string) =>
    json<Session>('/v1/auth/login', {
      method: 'POST',
      body: { email, password },
      quiet401: true,
    }),
  me: () => json<Session>('/v1/auth/me', { quiet401: true }),
  readiness: () => json<Readiness>('/readyz', { quiet401: true }),
  logout: () => json<void>('/v1/auth/logout', { method: 'POST', quiet401: true }),

  listItems: (params: { q?: string; verdict?: string; status?: string; limit?: number; cursor?: string | null }) =>
    json<ItemList>('/v1/items', { query: { limit: 50, ...params } }),
  getItem: (id: string) => json<ItemDetail>(`/v1/items/${enc(id)}`),

  mediaPreviewUrl: (id: string) => `/v1/media/${enc(id)}/preview`,
  /** Loads the original media bytes (audited server-side) as an object URL. */
  async revealMedia(id: string): Promise<string> {
    const res = await request(`/v1/media/${enc(id)}`);
    return URL.createObjectURL(await res.blob());
  },

  listBanks: () => json<{ banks: Bank[] }>('/v1/banks'),
  createBank: (body: { name: string; description?: string; source?: string }) =>
    json<Bank>('/v1/banks', { method: 'POST', body }),
  updateBank: (bankId: string, body: { enabled?: boolean; matchMode?: Bank['matchMode'] }) =>
    json<Bank>(`/v1/banks/${enc(bankId)}`, { method: 'PATCH', body }),
  listEntries: (bankId: string, params: { limit?: number; cursor?: string | null } = {}) =>
    json<{ entries: BankEntry[]; nextCursor: string | null }>(`/v1/banks/${enc(bankId)}/entries`, {
      query: { limit: 100, ...params },
    }),
  addEntries: (bankId: string, entries: NewBankEntry[]) =>
    json<{ added: number; entries: BankEntry[] }>(`/v1/banks/${enc(bankId)}/entries`, {
      method: 'POST',
      body: { entries },
    }),
};

/** What /readyz says; the UI shows whether an LLM classifies items. */
export interface Readiness {
  status: string;
  llm?: { configured: boolean; description: string; circuit?: string; spentTodayUsd?: number | null; dailyBudgetUsd?: number };
}

export function hasPermission(user: User | null | undefined, permission: string): boolean {
  return !!user && user.permissions.includes(permission);
}
