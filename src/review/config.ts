import { z } from 'zod';
import { categoryIdSchema } from '../core/taxonomy.js';

/**
 * How review is organised, edited by the operations manager without engineers (config kind 'review'): the
 * queues and their filters, SLAs, teams and clearance; the wellness defaults; QA sampling; what needs a second
 * reviewer. Pure: the store keeps versions, src/review/routing.ts applies it.
 */

export const SEVERITIES = ['S0', 'S1', 'S2', 'S3', 'NONE'] as const;
export const TASK_SOURCES = ['hash_match', 'classifier', 'user_report', 'escalation'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];
export const CLEARANCES = ['standard', 'senior'] as const;
export type Clearance = (typeof CLEARANCES)[number];
/** What a reviewer may decide; a queue can narrow it (e.g. a QA queue that only confirms or rejects). */
export const REVIEW_VERDICTS = ['violating', 'not_violating', 'escalate'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];

/** Built-in queues that exist whatever the configuration says: the system puts work in them. */
export const SYSTEM_QUEUES = {
  general: 'general',
  urgent: 'urgent',
  appeals: 'appeals',
  qa: 'qa',
  secondReview: 'second-review',
  escalations: 'escalations',
} as const;

const queueId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a queue id is lower-case letters, digits, - and _ (at most 63)');
const wellnessToggles = z.strictObject({ blur: z.boolean().optional(), grayscale: z.boolean().optional() });

export const queueFiltersSchema = z.strictObject({
  categories: z.array(categoryIdSchema).optional(),
  severities: z.array(z.enum(SEVERITIES)).optional(),
  surfaces: z.array(z.string().min(1).max(64)).optional(),
  languages: z.array(z.string().min(2).max(16)).optional(),
  sources: z.array(z.enum(TASK_SOURCES)).optional(),
});
export type QueueFilters = z.infer<typeof queueFiltersSchema>;

export const queueSchema = z.strictObject({
  id: queueId,
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).optional(),
  /** Which new review work lands here; the first queue (in order) whose filters all match wins. */
  filters: queueFiltersSchema.default({}),
  /** Overrides the taxonomy's SLA per severity for work routed here. */
  slaMinutes: z.number().int().positive().max(60 * 24 * 30).optional(),
  allowedVerdicts: z.array(z.enum(REVIEW_VERDICTS)).min(1).optional(),
  /** Only this team's reviewers see the queue; absent: everyone cleared for it. */
  team: z.string().min(1).max(64).optional(),
  clearance: z.enum(CLEARANCES).default('standard'),
  /** Skills a reviewer needs for the queue (e.g. "video", "grooming"). */
  skills: z.array(z.string().min(1).max(64)).default([]),
  /** Email of the colleague escalations from this queue go to (e.g. the one cleared to file NCMEC reports). */
  escalationTarget: z.string().email().optional(),
  wellness: wellnessToggles.optional(),
});
export type QueueConfig = z.infer<typeof queueSchema>;

export const exposureLimitsSchema = z.strictObject({
  /** High-severity (S0/S1) media items a reviewer may see per UTC day. */
  highSeverityItemsPerDay: z.number().int().positive().max(10_000),
  /** Minutes spent on high-severity media per UTC day. */
  highSeverityMinutesPerDay: z.number().int().positive().max(24 * 60),
});
export type ExposureLimits = z.infer<typeof exposureLimitsSchema>;

export const reviewConfigSchema = z
  .strictObject({
    queues: z.array(queueSchema).max(200),
    wellness: z.strictObject({
      blur: z.boolean(),
      grayscale: z.boolean(),
      limits: exposureLimitsSchema,
      /** Share of a limit at which the reviewer is prompted to take a break. */
      breakPromptAt: z.number().gt(0).max(1),
    }),
    qa: z.strictObject({
      /** Share of human decisions re-reviewed blind. */
      humanSampleRate: z.number().min(0).max(1),
      /** Share of automatically actioned items sent to QA, so the precision of automation is measured. */
      automatedSampleRate: z.number().min(0).max(1),
    }),
    secondReview: z.strictObject({
      /** Violating decisions of these severities need a second reviewer before they act. */
      severities: z.array(z.enum(SEVERITIES)),
      /** So do decisions whose actions include one of these (a CyberTipline report). */
      actions: z.array(z.string().min(1)),
    }),
    /** How long a claim lasts before the task returns to its queue. */
    leaseMinutes: z.number().int().positive().max(24 * 60),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const [i, q] of c.queues.entries()) {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], message: `queue id ${q.id} appears twice` });
      seen.add(q.id);
    }
  });
export type ReviewConfig = z.infer<typeof reviewConfigSchema>;

export const DEFAULT_REVIEW_CONFIG: ReviewConfig = {
  queues: [
    {
      id: SYSTEM_QUEUES.urgent, name: 'Urgent: imminent harm', filters: { severities: ['S0'] }, slaMinutes: 60,
      clearance: 'senior', skills: [], description: 'S0 work: known abuse material matches and imminent-harm signals.',
    },
    { id: 'grooming', name: 'Grooming and enticement', filters: { categories: ['CSE-05', 'CSE-06', 'CSE-13'] }, clearance: 'standard', skills: [] },
    { id: 'user-reports', name: 'User reports', filters: { sources: ['user_report'] }, clearance: 'standard', skills: [] },
    { id: SYSTEM_QUEUES.general, name: 'General', filters: {}, clearance: 'standard', skills: [] },
    { id: SYSTEM_QUEUES.secondReview, name: 'Second review', filters: {}, clearance: 'senior', skills: [], description: 'High-severity decisions and reports wait here for a second reviewer.' },
    { id: SYSTEM_QUEUES.qa, name: 'Quality assurance (blind)', filters: {}, clearance: 'senior', skills: [], allowedVerdicts: ['violating', 'not_violating'] },
    { id: SYSTEM_QUEUES.appeals, name: 'Appeals', filters: {}, clearance: 'senior', skills: [], allowedVerdicts: ['violating', 'not_violating'] },
    { id: SYSTEM_QUEUES.escalations, name: 'Escalations', filters: {}, clearance: 'senior', skills: [] },
  ],
  wellness: { blur: true, grayscale: true, limits: { highSeverityItemsPerDay: 50, highSeverityMinutesPerDay: 60 }, breakPromptAt: 0.8 },
  qa: { humanSampleRate: 0.1, automatedSampleRate: 0.05 },
  secondReview: { severities: ['S0'], actions: ['report'] },
  leaseMinutes: 15,
};

/** Queues the routing step may choose: the configured ones minus those the system fills itself. */
const SYSTEM_ONLY = new Set<string>([SYSTEM_QUEUES.appeals, SYSTEM_QUEUES.qa, SYSTEM_QUEUES.secondReview, SYSTEM_QUEUES.escalations]);

export function queueById(config: ReviewConfig, id: string): QueueConfig {
  return config.queues.find((q) => q.id === id) ?? { id, name: id, filters: {}, clearance: 'standard', skills: [] };
}

export interface RoutingFacts {
  category: string | null;
  severity: string;
  surface: string;
  language: string | null;
  source: TaskSource;
}

function matches(f: QueueFilters, t: RoutingFacts): boolean {
  if (f.categories && !(t.category && f.categories.includes(t.category))) return false;
  if (f.severities && !(f.severities as readonly string[]).includes(t.severity)) return false;
  if (f.surfaces && !f.surfaces.includes(t.surface)) return false;
  if (f.languages && !(t.language && f.languages.includes(t.language))) return false;
  if (f.sources && !f.sources.includes(t.source)) return false;
  return true;
}

/** The queue new review work goes to: the first configured queue whose filters match, else 'general'. */
export function routeTask(config: ReviewConfig, facts: RoutingFacts): QueueConfig {
  for (const q of config.queues) if (!SYSTEM_ONLY.has(q.id) && matches(q.filters, facts)) return q;
  return queueById(config, SYSTEM_QUEUES.general);
}

/** The SLA for work in a queue: the queue's own, else the taxonomy's for the severity. */
export function slaFor(queue: QueueConfig, taxonomySlaMs: number | null): number | null {
  return queue.slaMinutes !== undefined ? queue.slaMinutes * 60_000 : taxonomySlaMs;
}

export interface ReviewerFacts {
  clearance: Clearance;
  team: string | null;
  skills: readonly string[];
  languages: readonly string[];
}

/** Queues a reviewer may work: cleared for, in their team, with the skills, and (for language queues) speaking one. */
export function queuesFor(config: ReviewConfig, reviewer: ReviewerFacts): QueueConfig[] {
  return config.queues.filter((q) => {
    if (q.clearance === 'senior' && reviewer.clearance !== 'senior') return false;
    if (q.team && q.team !== reviewer.team) return false;
    if (!q.skills.every((s) => reviewer.skills.includes(s))) return false;
    if (q.filters.languages && !q.filters.languages.some((l) => reviewer.languages.includes(l))) return false;
    return true;
  });
}

/** Deterministic sampling, so the same decision is always in (or out of) the sample and a rerun agrees. */
export function sampled(id: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) / 0x1_0000_0000 < rate;
}
