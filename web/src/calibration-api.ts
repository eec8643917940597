// Typed client for calibration sessions (src/api/routes/calibration.ts, results from src/review/calibration.ts).
import { json } from './api.js';

export type CalibrationVerdict = 'violating' | 'not_violating';
export const CALIBRATION_VERDICTS: readonly CalibrationVerdict[] = ['violating', 'not_violating'];

export interface CalibrationLabel {
  verdict: CalibrationVerdict;
  category: string | null;
}

export interface SessionSummary {
  id: string;
  name: string;
  status: 'open' | 'closed';
  createdBy: string;
  createdAt: string | null;
  closedAt: string | null;
  itemCount: number;
  hasAnswerKey: boolean;
  participants: number;
}

export interface SessionItem {
  id: string;
  surface: string;
  kind: string;
  textExcerpt: string | null;
  /** Images carry the URL of their blurred preview; the original is never offered here. */
  media: { id: string; mime: string; previewUrl: string | null }[];
}

export interface StoredAnswer extends CalibrationLabel {
  itemId: string;
  reviewer: string;
  createdAt: string | null;
}

export interface ReviewerAccuracy {
  reviewer: string;
  scored: number;
  unanswered: number;
  verdictCorrect: number;
  exactCorrect: number;
  verdictAccuracy: number | null;
  exactAccuracy: number | null;
}

export type KappaUndefined = 'fewer_than_two_ratings_per_item' | 'no_variation';

export interface FleissKappa {
  kappa: number | null;
  undefinedBecause: KappaUndefined | null;
  observed: number | null;
  expected: number | null;
  items: number;
}

export interface Agreement {
  overall: number | null;
  pairs: { a: string; b: string; items: number; agreed: number; rate: number | null }[];
  kappa: FleissKappa;
}

export interface ItemDistribution {
  itemId: string;
  answers: number;
  verdicts: Record<CalibrationVerdict, number>;
  labels: Record<string, number>;
  agreement: number | null;
  key: CalibrationLabel | null;
  matchingKey: number | null;
}

export interface CalibrationResults {
  reviewers: ReviewerAccuracy[];
  agreement: { verdict: Agreement; label: Agreement };
  items: ItemDistribution[];
  mostDisagreement: string[];
  answerKey: Record<string, CalibrationLabel> | null;
}

export interface SessionView {
  session: SessionSummary;
  items: SessionItem[];
  myAnswers: StoredAnswer[];
  /** Null while the session is open, unless you lead. */
  results: CalibrationResults | null;
}

const enc = encodeURIComponent;
const session = (id: string) => `/v1/calibration/sessions/${enc(id)}`;

export const calibrationApi = {
  list: (status?: 'open' | 'closed') =>
    json<{ sessions: SessionSummary[]; nextCursor: string | null }>('/v1/calibration/sessions', { query: { status, limit: 100 } }),
  create: (name: string, itemIds: string[]) =>
    json<{ session: SessionSummary; itemIds: string[] }>('/v1/calibration/sessions', { method: 'POST', body: { name, itemIds } }),
  get: (id: string) => json<SessionView>(session(id)),
  answer: (id: string, itemId: string, label: CalibrationLabel) =>
    json<{ answer: StoredAnswer }>(`${session(id)}/answers/${enc(itemId)}`, { method: 'PUT', body: labelBody(label) }),
  setAnswerKey: (id: string, answers: Record<string, CalibrationLabel>) =>
    json<{ sessionId: string }>(`${session(id)}/answer-key`, {
      method: 'PUT',
      body: { answers: Object.fromEntries(Object.entries(answers).map(([item, l]) => [item, labelBody(l)])) },
    }),
  close: (id: string) => json<{ sessionId: string; status: string }>(`${session(id)}/close`, { method: 'POST' }),
};

/** The server wants no category key at all on a not_violating label. */
function labelBody(l: CalibrationLabel): { verdict: CalibrationVerdict; category?: string } {
  return l.verdict === 'violating' && l.category ? { verdict: l.verdict, category: l.category } : { verdict: l.verdict };
}

/** Why Fleiss' kappa could not be computed, in words. */
export const KAPPA_UNDEFINED: Record<KappaUndefined, string> = {
  fewer_than_two_ratings_per_item: 'no item has answers from two reviewers yet',
  no_variation: 'everyone gave the same answer on everything, so there was nothing to disagree on (chance agreement is 1)',
};
