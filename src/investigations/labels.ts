import { z } from 'zod';
import type { CategoryId } from '../core/taxonomy.js';
import type { Item } from '../core/types.js';

/**
 * Labels investigators put on entities, and per-entity rule snoozes: the vocabulary, what each label does to
 * detection, and the input schemas. Pure: storage is src/store/repos/entity-labels.ts, detection reads labels
 * through src/detectors/labels/detector.ts.
 */

export const ENTITY_TYPES = ['account', 'device', 'conversation'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** A rule is snoozed for the author account or the conversation of an item (devices carry no rule context). */
export const SNOOZE_ENTITY_TYPES = ['account', 'conversation'] as const;
export type SnoozeEntityType = (typeof SNOOZE_ENTITY_TYPES)[number];

/** Where an item names the device it was sent from: `metadata.deviceId`, a string the platform chooses. */
export const DEVICE_METADATA_KEY = 'deviceId';
const MAX_ID_CHARS = 200;

export const LABELS = ['known_evader', 'repeat_offender', 'watchlist', 'trusted_reporter'] as const;
export type Label = (typeof LABELS)[number];

/**
 * What a label does to detection. `signal`: every later item of the entity carries a signal of `category` with
 * `score`, explained by the label's reason; it is review-only (a person's label never enforces by itself, the
 * policy decides at most a review). `none`: recorded and shown, no effect on detection.
 */
export type LabelEffect =
  | { kind: 'signal'; category: CategoryId; score: number; meaning: string }
  | { kind: 'none'; meaning: string };

export interface LabelDefinition {
  /** The entity types the label may be put on. */
  entityTypes: readonly EntityType[];
  effect: LabelEffect;
}

/**
 * The label vocabulary. CSE-90 ("Ambiguous: needs a specialist") routes to review with the default policy (review
 * threshold 0.5, action threshold 0.9): a label raises an entity's later items to a person, ordered by score.
 * Raise CSE-90's reviewThreshold in the policy to quieten the weaker labels without a code change. Changing this
 * table changes detection: bump LABEL_EFFECTS_VERSION (it is in every entity.labels trace event).
 */
export const LABEL_DEFINITIONS: Readonly<Record<Label, LabelDefinition>> = {
  known_evader: {
    entityTypes: ['account', 'device'],
    effect: { kind: 'signal', category: 'CSE-90', score: 0.7, meaning: 'raises risk: came back after enforcement under a new identity' },
  },
  repeat_offender: {
    entityTypes: ['account', 'device'],
    effect: { kind: 'signal', category: 'CSE-90', score: 0.6, meaning: 'raises risk: actioned before, more than once' },
  },
  watchlist: {
    entityTypes: ['account', 'device', 'conversation'],
    effect: { kind: 'signal', category: 'CSE-90', score: 0.5, meaning: 'routes to review: every later item is seen by a person' },
  },
  trusted_reporter: {
    entityTypes: ['account'],
    effect: { kind: 'none', meaning: 'recorded: reports from this account have proven reliable (no detection effect)' },
  },
};
export const LABEL_EFFECTS_VERSION = 1;

/** Snoozes end by themselves: after this long when no expiry is given, and never later than the maximum. */
export const DEFAULT_SNOOZE_MS = 30 * 86_400_000;
export const MAX_SNOOZE_MS = 365 * 86_400_000;

const entityId = z.string().trim().min(1, 'entityId is empty').max(MAX_ID_CHARS);
const reason = z.string().trim().min(1, 'give the reason').max(2000);
const expiresAt = z.iso.datetime({ offset: true, error: 'expiresAt must be an ISO 8601 date-time, e.g. 2026-07-01T00:00:00Z' });
const escalationId = z.string().trim().min(1).max(64);

export const labelInputSchema = z
  .strictObject({
    entityType: z.enum(ENTITY_TYPES, { error: `entityType must be one of ${ENTITY_TYPES.join(', ')}` }),
    /** Accounts: the Haven account id or the platform's external id (resolved to the Haven id). */
    entityId,
    label: z.enum(LABELS, { error: `label must be one of ${LABELS.join(', ')}` }),
    reason,
    expiresAt: expiresAt.optional(),
    escalationId: escalationId.optional(),
  })
  .superRefine((v, ctx) => {
    const allowed = LABEL_DEFINITIONS[v.label].entityTypes;
    if (!allowed.includes(v.entityType)) {
      ctx.addIssue({ code: 'custom', path: ['entityType'], message: `label ${v.label} goes on ${allowed.join(' or ')}, not on a ${v.entityType}` });
    }
  });
export type LabelInput = z.infer<typeof labelInputSchema>;

export const snoozeInputSchema = z.strictObject({
  ruleId: z.string().trim().min(1, 'ruleId is empty').max(100),
  entityType: z.enum(SNOOZE_ENTITY_TYPES, { error: `entityType must be one of ${SNOOZE_ENTITY_TYPES.join(', ')}` }),
  entityId,
  reason,
  /** Defaults to DEFAULT_SNOOZE_MS from now; at most MAX_SNOOZE_MS. */
  expiresAt: expiresAt.optional(),
  escalationId: escalationId.optional(),
});
export type SnoozeInput = z.infer<typeof snoozeInputSchema>;

export const removalSchema = z.strictObject({ reason });

/** A label as detection reads it. */
export interface ActiveLabel {
  id: string;
  entityType: EntityType;
  entityId: string;
  label: Label;
  reason: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  escalationId: string | null;
}

/** A rule snooze as the text rules detector reads it. */
export interface ActiveSnooze {
  id: string;
  ruleId: string;
  entityType: SnoozeEntityType;
  entityId: string;
  reason: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  escalationId: string | null;
}

/** In force at `at`: created by then, not removed, not expired. */
export function isActive(r: { createdAt: number; expiresAt: number | null; removedAt: number | null }, at: number): boolean {
  return r.removedAt === null && r.createdAt <= at && (r.expiresAt === null || r.expiresAt > at);
}

export function isLabel(value: string): value is Label {
  return (LABELS as readonly string[]).includes(value);
}

/** The device an item was sent from, when the platform names one in metadata.deviceId. */
export function deviceIdOf(item: Pick<Item, 'metadata'>): string | null {
  const v = item.metadata[DEVICE_METADATA_KEY];
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_CHARS ? v : null;
}

export interface EntityRef {
  entityType: EntityType;
  entityId: string;
}

/** The entities of an item that labels and snoozes can be on: its author account, its conversation, its device. */
export function entitiesOfItem(item: Pick<Item, 'authorId' | 'conversationId' | 'metadata'>): EntityRef[] {
  const out: EntityRef[] = [];
  if (item.authorId) out.push({ entityType: 'account', entityId: item.authorId });
  if (item.conversationId) out.push({ entityType: 'conversation', entityId: item.conversationId });
  const device = deviceIdOf(item);
  if (device) out.push({ entityType: 'device', entityId: device });
  return out;
}

const ENTITY_WORDS: Record<EntityType, string> = { account: 'author account', conversation: 'conversation', device: 'device' };

/** "author account 01H.. carries label known_evader (reason; by x; expires 2026-07-01T00:00:00.000Z)". */
export function describeLabel(l: ActiveLabel): string {
  const expiry = l.expiresAt === null ? 'no expiry' : `expires ${new Date(l.expiresAt).toISOString()}`;
  return `${ENTITY_WORDS[l.entityType]} ${l.entityId} carries label ${l.label} (${l.reason}; by ${l.createdBy}; ${expiry})`;
}

/**
 * The expiry a snooze gets, or why the requested one is refused. A snooze always ends: no expiry means the
 * default period, and none may run longer than the maximum.
 */
export function snoozeExpiry(requested: string | undefined, now: number): { ok: true; at: number } | { ok: false; message: string } {
  if (requested === undefined) return { ok: true, at: now + DEFAULT_SNOOZE_MS };
  const at = Date.parse(requested);
  if (at <= now) return { ok: false, message: 'expiresAt is in the past' };
  if (at - now > MAX_SNOOZE_MS) return { ok: false, message: `expiresAt is more than ${MAX_SNOOZE_MS / 86_400_000} days away` };
  return { ok: true, at };
}

/** The expiry of a new label (none means it stays until removed), or why the requested one is refused. */
export function labelExpiry(requested: string | undefined, now: number): { ok: true; at: number | null } | { ok: false; message: string } {
  if (requested === undefined) return { ok: true, at: null };
  const at = Date.parse(requested);
  return at <= now ? { ok: false, message: 'expiresAt is in the past' } : { ok: true, at };
}

/** Labels and snoozes in force, by entity, for a batch (or a replay page) of items. */
export interface LabelIndex {
  labels: Map<string, ActiveLabel[]>;
  snoozes: Map<string, ActiveSnooze[]>;
}

const entityKey = (type: string, id: string) => `${type}:${id}`;

export function indexLabels(found: { labels: readonly ActiveLabel[]; snoozes: readonly ActiveSnooze[] }): LabelIndex {
  const index: LabelIndex = { labels: new Map(), snoozes: new Map() };
  const add = <T>(map: Map<string, T[]>, key: string, v: T) => {
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  };
  for (const l of found.labels) add(index.labels, entityKey(l.entityType, l.entityId), l);
  for (const s of found.snoozes) add(index.snoozes, entityKey(s.entityType, s.entityId), s);
  return index;
}

/** What detection sees for one item: the labels on its author, conversation and device; the snoozes for its author and conversation. */
export function labelsForItem(
  item: Pick<Item, 'authorId' | 'conversationId' | 'metadata'>, index: LabelIndex,
): { labels: ActiveLabel[]; snoozes: ActiveSnooze[] } {
  if (index.labels.size === 0 && index.snoozes.size === 0) return { labels: [], snoozes: [] };
  const labels: ActiveLabel[] = [];
  const snoozes: ActiveSnooze[] = [];
  for (const e of entitiesOfItem(item)) {
    const key = entityKey(e.entityType, e.entityId);
    labels.push(...(index.labels.get(key) ?? []));
    if (e.entityType !== 'device') snoozes.push(...(index.snoozes.get(key) ?? []));
  }
  return { labels, snoozes };
}
