import type { Selectable } from 'kysely';
import type { Clearance, ExposureLimits } from '../../review/config.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import type { ReviewerProfilesTable } from '../schema.js';

/**
 * What routing and wellness know about a reviewer beyond their roles: team, skills, languages, clearance, their
 * own blur/greyscale override and the exposure limits the manager set for them (null: the organisation's).
 */
export interface ReviewerProfile {
  userId: string;
  team: string | null;
  skills: string[];
  languages: string[];
  clearance: Clearance;
  wellness: { blur?: boolean; grayscale?: boolean };
  limits: ExposureLimits | null;
  updatedBy: string;
  updatedAt: number;
}

/** Roles whose holders are cleared for senior queues without anyone saying so. */
const SENIOR_ROLES: ReadonlySet<string> = new Set(['senior_reviewer', 'ops_manager', 'admin']);

/** The profile of a user nobody has configured yet. */
export function defaultProfile(userId: string, roles: readonly string[]): ReviewerProfile {
  return {
    userId, team: null, skills: [], languages: ['en'], clearance: roles.some((r) => SENIOR_ROLES.has(r)) ? 'senior' : 'standard',
    wellness: {}, limits: null, updatedBy: 'default', updatedAt: 0,
  };
}

function toProfile(r: Selectable<ReviewerProfilesTable>): ReviewerProfile {
  return {
    userId: r.user_id,
    team: r.team,
    skills: fromJson<string[]>(r.skills),
    languages: fromJson<string[]>(r.languages),
    clearance: r.clearance === 'senior' ? 'senior' : 'standard',
    wellness: fromJson<{ blur?: boolean; grayscale?: boolean }>(r.wellness),
    limits: r.limits === null ? null : fromJson<ExposureLimits | null>(r.limits),
    updatedBy: r.updated_by,
    updatedAt: Number(r.updated_at),
  };
}

export async function getReviewerProfile(q: Queryable, userId: string): Promise<ReviewerProfile | null> {
  const r = await q.selectFrom('reviewer_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return r ? toProfile(r) : null;
}

export async function upsertReviewerProfile(q: Queryable, p: ReviewerProfile): Promise<void> {
  // Only the toggles that are set: an absent toggle means "as the queue or organisation says".
  const wellness = Object.fromEntries(Object.entries(p.wellness).filter(([, v]) => typeof v === 'boolean'));
  const row = {
    team: p.team, skills: toJson(p.skills), languages: toJson(p.languages), clearance: p.clearance, wellness: toJson(wellness),
    limits: p.limits === null ? null : toJson(p.limits), updated_by: p.updatedBy, updated_at: p.updatedAt,
  };
  await q
    .insertInto('reviewer_profiles')
    .values({ user_id: p.userId, ...row })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
    .execute();
}

export async function listReviewerProfiles(q: Queryable): Promise<ReviewerProfile[]> {
  return (await q.selectFrom('reviewer_profiles').selectAll().orderBy('user_id').execute()).map(toProfile);
}
