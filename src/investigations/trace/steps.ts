import type { HavenEvent } from '../../core/types.js';
import type { TraceStep } from './types.js';

// Events -> readable trace steps. Pure.

/** A duration as people say it: "19 h", "2 h 5 min", "45 min", "12 s". */
export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  if (h >= 48 && rest === 0) return `${h} h`;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

export const iso = (ms: number | null | undefined): string => (typeof ms === 'number' ? new Date(ms).toISOString() : '-');

const DROPPED_KEYS = new Set(['url', 'uri', 'href', 'data', 'bytesBase64', 'ciphertext', 'body']);

/**
 * A payload fit for anyone with items:read: no media bytes, no links to original media or anywhere else (webhook
 * addresses included). The blurred preview link (/v1/media/:id/preview) is the one URL kept.
 */
export function plain(value: unknown): unknown {
  if (typeof value === 'string') return isLink(value) ? '[link removed]' : value;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (DROPPED_KEYS.has(k)) continue;
      out[k] = plain(v);
    }
    return out;
  }
  return value;
}

function isLink(s: string): boolean {
  if (/^(https?|data|file|s3|gs):/i.test(s)) return true;
  return s.includes('/v1/media/') && !/^\/v1\/media\/[^/]+\/preview$/.test(s);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const versionsText = (v: Record<string, string | number>) => Object.entries(v).map(([k, x]) => `${k}=${x}`).join(' ');

/** What is known about each action, so a delivery event can name the action it delivered. */
export type ActionTypes = ReadonlyMap<string, string>;

export function toSteps(events: readonly HavenEvent[], actionTypes: ActionTypes): TraceStep[] {
  return events.map((e, index) => {
    const { title, detail } = describe(e, actionTypes);
    return {
      index, at: e.at, kind: e.type, eventId: e.id, actor: e.actor, title, detail,
      data: { ...(plain(e.payload) as Record<string, unknown>), ...(Object.keys(e.versions).length ? { versions: e.versions } : {}) },
    };
  });
}

function describe(e: HavenEvent, actionTypes: ActionTypes): { title: string; detail: string } {
  const p = e.payload;
  const action = () => str(p.type) || actionTypes.get(str(p.actionId)) || 'action';
  switch (e.type) {
    case 'item_ingested': {
      const media = Array.isArray(p.media) ? p.media.length : 0;
      return { title: 'ingested', detail: `${str(p.kind)} on ${str(p.surface)}${media ? `, ${media} media part(s)` : ''} (by ${e.actor})` };
    }
    case 'item_duplicate':
      return { title: 'submitted again (duplicate)', detail: `by ${e.actor}` };
    case 'detector_ran': {
      const n = num(p.signals) ?? 0;
      const shadow = p.shadow === true ? ' in shadow' : '';
      const details = p.details && typeof p.details === 'object' ? ` details: ${JSON.stringify(plain(p.details))}` : '';
      return { title: `detector ${str(p.detector)} ran${shadow}`, detail: `${n} signal(s); versions ${versionsText(e.versions)}${details}` };
    }
    case 'signal': {
      const ev = (p.evidence ?? {}) as Record<string, unknown>;
      const score = num(p.score);
      const summary = str(ev.summary);
      if (ev.nearMiss === true) return { title: `near miss: ${str(p.detector)} ${str(p.category)}`, detail: summary };
      const informational = ev.informational === true ? ' (informational)' : '';
      return { title: `signal ${str(p.detector)} ${str(p.category)} ${score === null ? '' : score.toFixed(2)}${informational}`, detail: summary };
    }
    case 'cascade_planned': {
      const reasons = Array.isArray(p.reasons) ? p.reasons.map(str) : [];
      return { title: p.ask === true ? `LLM asked${p.shadow === true ? ' (shadow)' : ''}` : 'LLM not asked', detail: reasons.join('; ') };
    }
    case 'decision': {
      const reasons = Array.isArray(p.reasons) ? (p.reasons as { text?: unknown }[]).map((r) => str(r.text)) : [];
      const by = e.actor === 'pipeline' ? 'pipeline' : str(p.by) || e.actor;
      const policy = e.versions.policy === undefined ? '' : ` (policy v${e.versions.policy})`;
      return {
        title: `decision by ${by}: ${str(p.verdict)}${p.category ? ` ${str(p.category)}` : ''}`,
        detail: reasons.length ? reasons.join('; ') : `no signal crossed a threshold${policy}`,
      };
    }
    case 'action_requested':
      return { title: `action ${action()} requested`, detail: `delivery ${str(p.delivery)}, status ${str(p.status)}` };
    case 'action_delivered':
      return { title: `action ${action()} delivered`, detail: `the platform answered ${str(p.status)}` };
    case 'action_failed':
      return { title: `action ${action()} delivery failed (attempt ${str(p.attempt)})`, detail: `${str(p.error)}; next attempt ${iso(num(p.nextAttemptAt))}` };
    case 'action_dead':
      return { title: `action ${action()} dead after ${str(p.attempt)} attempts`, detail: `last error: ${str(p.error)}` };
    case 'action_cancelled':
      return { title: `action ${action()} cancelled`, detail: str(p.reason) };
    case 'review_enqueued': {
      const sla = num(p.slaDueAt);
      return {
        title: `enqueued for ${str(p.kind) || 'review'} in queue ${str(p.queue)}`,
        detail: `${p.category ? `${str(p.category)}, ` : ''}severity ${str(p.severity)}; ${sla === null ? 'no SLA' : `SLA due ${iso(sla)} (${duration(sla - e.at)})`}`,
      };
    }
    case 'review_claimed':
      return { title: `claimed by ${e.actor}`, detail: `queue ${str(p.queue)}, lease until ${iso(num(p.leaseUntil))}` };
    case 'review_decided': {
      const created = num(p.createdAt);
      const sla = num(p.slaDueAt);
      const waited = created === null ? '' : `after ${duration(e.at - created)} in queue ${str(p.queue)}`;
      const late = sla !== null && e.at > sla ? `, ${duration(e.at - sla)} past its SLA` : '';
      return {
        title: `${str(p.reviewer)} decided ${str(p.verdict)}${p.category ? ` ${str(p.category)}` : ''} (${str(p.kind)})`,
        detail: `outcome ${str(p.outcome)}${waited ? `; ${waited}${late}` : ''}${p.policyClause ? `; under ${str(p.policyClause)}` : ''}`,
      };
    }
    case 'review_second_required':
      return { title: 'second review required', detail: `severity ${str(p.severity)}, actions ${(p.actions as string[] | undefined)?.join(', ') ?? ''}` };
    case 'qa_completed':
      return {
        title: `QA by ${e.actor}: ${p.agrees === true ? 'agrees' : 'disagrees'}`,
        detail: `QA said ${str(p.verdict)}${p.category ? ` ${str(p.category)}` : ''}; the ${str(p.subject)} decision said ${str(p.subjectVerdict)}${p.subjectCategory ? ` ${str(p.subjectCategory)}` : ''}`,
      };
    case 'review_escalated':
      return { title: `escalated by ${e.actor}`, detail: `${str(p.reason)}${p.to ? ` (to ${str(p.to)})` : ''}` };
    case 'appeal_filed':
      return { title: 'appeal filed', detail: str(p.reason) };
    case 'appeal_resolved':
      return { title: `appeal ${str(p.outcome)} by ${e.actor}`, detail: str(p.reason) };
    case 'processing_failed':
      return { title: 'processing failed', detail: `${str(p.error)} after ${str(p.attempts)} attempt(s)` };
    default:
      return { title: e.type.replaceAll('_', ' '), detail: `by ${e.actor}` };
  }
}
