import { z } from 'zod';
import type { Haven } from '../../app.js';
import { type Principal, principalLabel } from '../../auth/service.js';
import { permissionsOf } from '../../core/roles.js';
import type { User } from '../../core/types.js';
import { open } from '../../enforcement/media-vault.js';
import { renderForReview, VideoToolMissingError, videoPosterFrame } from '../../hashing/media.js';
import { CLEARANCES, DEFAULT_REVIEW_CONFIG, exposureLimitsSchema, type ReviewConfig } from '../../review/config.js';
import {
  exposureLimitsFor, exposureStatus, REVEAL_STEP_MEANING, renderingFor, utcDay, wellnessSettings,
} from '../../review/wellness.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents } from '../../store/repos/events.js';
import { exposureOfAll, exposureOn } from '../../store/repos/exposure.js';
import { getBlob, getMediaRow } from '../../store/repos/media-blobs.js';
import { getUser, listUsers } from '../../store/repos/people.js';
import {
  defaultProfile, getReviewerProfile, listReviewerProfiles, type ReviewerProfile, upsertReviewerProfile,
} from '../../store/repos/reviewer-profiles.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

/** Longest side of media rendered for the review bench, in pixels. */
const REVIEW_MAX_SIDE = 1024;

const id = z.string().min(1).max(64);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD (a UTC day)');
const toggleOverride = z.boolean().nullable().optional();

const wellnessOverrideBody = z.strictObject({
  /** true/false overrides the queue and organisation setting; null goes back to them; absent leaves it as it is. */
  blur: toggleOverride,
  grayscale: toggleOverride,
});

const profileBody = z
  .strictObject({
    team: z.string().trim().min(1).max(64).nullable().optional(),
    skills: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
    languages: z.array(z.string().trim().min(2).max(16)).max(20).optional(),
    clearance: z.enum(CLEARANCES, { error: `clearance must be one of ${CLEARANCES.join(', ')}` }).optional(),
    /** The reviewer's own daily limits; null: the organisation's. */
    limits: exposureLimitsSchema.nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of team, skills, languages, clearance, limits');

/**
 * Reviewer wellness on the server: media for the review bench is rendered blurred and greyscale as the settings
 * say and revealed in audited steps, only to the reviewer holding the task; exposure counters are visible to
 * their owner and to operations managers, never to other reviewers.
 */
export function wellnessRoutes(routes: RouteTable, haven: Haven): void {
  const db = haven.store.db;

  async function reviewConfig(): Promise<ReviewConfig> {
    return (await haven.configs.latest<ReviewConfig>('review'))?.document ?? DEFAULT_REVIEW_CONFIG;
  }

  /** A user's stored profile, or the default their roles imply. API keys have none. */
  async function profileOf(principal: Principal): Promise<ReviewerProfile | null> {
    if (principal.kind !== 'user') return null;
    return (await getReviewerProfile(db, principal.id)) ?? defaultProfile(principal.id, principal.roles);
  }

  function callerOf(principal: Principal | null): Principal {
    if (!principal) throw new HttpError(401, 'unauthenticated', 'authentication required');
    return principal;
  }

  async function ownWellness(principal: Principal, queue: string | null) {
    const [config, profile] = await Promise.all([reviewConfig(), profileOf(principal)]);
    const reviewer = principalLabel(principal);
    const today = utcDay(haven.clock.now());
    const limits = exposureLimitsFor(config, profile?.limits ?? null);
    return {
      reviewer,
      queue,
      toggles: wellnessSettings(config, queue, profile?.wellness ?? null),
      override: profile?.wellness ?? {},
      exposure: exposureStatus(await exposureOn(db, reviewer, today), today, limits, config.wellness.breakPromptAt),
      revealSteps: REVEAL_STEP_MEANING,
    };
  }

  routes.add({
    method: 'GET', url: '/v1/review/media/:mediaId', tag: 'review', access: 'review:decide',
    auditRefusal: { action: 'review.media.refused', targetType: 'media', param: 'mediaId' },
    summary: 'Media of a task the caller holds, rendered for review: blurred/greyscale per the wellness settings at reveal=0; reveal=1..3 (audited) lightly blurred, sharp, original',
    params: z.strictObject({ mediaId: id }),
    query: z.strictObject({
      task: id.describe('the review task the caller holds a claim on'),
      reveal: z.enum(['0', '1', '2', '3'], { error: 'reveal must be 0, 1, 2 or 3' }).default('0').transform(Number),
    }),
    async handler({ params, query, principal, reply }) {
      const caller = callerOf(principal);
      const reviewer = principalLabel(caller);
      const now = haven.clock.now();
      const task = await db
        .selectFrom('review_tasks')
        .select(['id', 'item_id', 'queue', 'status', 'claimed_by', 'lease_until'])
        .where('id', '=', query.task)
        .executeTakeFirst();
      if (!task) throw new HttpError(404, 'not_found', `review task ${query.task} not found`);
      if (task.claimed_by !== reviewer) throw new HttpError(403, 'not_claimed', `you do not hold the claim on task ${task.id}: claim it first`);
      if (task.status === 'done') throw new HttpError(409, 'task_closed', `task ${task.id} is already decided`);
      if (task.lease_until === null || task.lease_until < now) throw new HttpError(409, 'lease_expired', `your lease on task ${task.id} has run out: claim it again`);
      const media = await getMediaRow(db, params.mediaId);
      if (!media || media.item_id !== task.item_id) throw new HttpError(404, 'not_found', `media ${params.mediaId} is not part of task ${task.id}'s item`);
      if (!media.stored || !haven.keys) throw new HttpError(404, 'not_stored', 'Haven keeps only the hashes of this media (hash-only mode)');
      const blob = await getBlob(db, media.sha256);
      if (!blob) throw new HttpError(404, 'not_stored', 'the media bytes are no longer held (retention)');
      const bytes = open(haven.keys, blob);

      const [config, profile] = await Promise.all([reviewConfig(), profileOf(caller)]);
      const step = query.reveal;
      const toggles = wellnessSettings(config, task.queue, profile?.wellness ?? null);
      const rendering = renderingFor(step, toggles);
      const video = media.mime.startsWith('video/');
      // Rendered before anything is recorded, so a failure does not leave a reveal on record that never happened.
      let body: Buffer;
      let contentType = 'image/webp';
      if (video && step === 3) {
        body = bytes;
        contentType = media.mime;
      } else {
        // Below step 3 a video is shown as a still frame, never as the video itself.
        const source = video ? await posterOf(bytes) : bytes;
        body = await renderForReview(source, rendering, { maxSide: REVIEW_MAX_SIDE, maxPixels: haven.config.maxImagePixels });
      }

      // A sharp rendering is a person seeing the file: recorded as a view (the NCMEC report states it truthfully).
      const seen = rendering.blurSigma === 0;
      if (step >= 1 || seen) {
        await db.transaction().execute(async (trx) => {
          if (step >= 1) {
            await appendAudit(trx, {
              actor: reviewer, action: 'media.reveal', targetType: 'media', targetId: media.id, details: { taskId: task.id, step, itemId: media.item_id },
            }, now);
          }
          await appendEvents(trx, [
            ...(step >= 1 ? [{
              type: 'media_revealed' as const, itemId: media.item_id, accountId: null, actor: reviewer, versions: {},
              payload: { mediaId: media.id, taskId: task.id, step },
            }] : []),
            ...(seen ? [{
              type: 'media_viewed' as const, itemId: media.item_id, accountId: null, actor: reviewer, versions: {},
              payload: { mediaId: media.id, sha256: media.sha256, via: 'review', taskId: task.id, step },
            }] : []),
          ], now);
        });
      }
      reply
        .header('content-type', contentType)
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'inline')
        .header('x-haven-reveal-step', String(step))
        .header('x-haven-blur-sigma', String(rendering.blurSigma))
        .header('x-haven-grayscale', String(rendering.grayscale));
      return reply.send(body);
    },
  });

  routes.add({
    method: 'GET', url: '/v1/review/wellness', tag: 'review', access: 'review:decide',
    summary: "The caller's own effective blur/greyscale toggles (optionally for one queue) and own exposure today",
    query: z.strictObject({ queue: z.string().min(1).max(63).optional() }),
    async handler({ query, principal }) {
      return ownWellness(callerOf(principal), query.queue ?? null);
    },
  });

  routes.add({
    method: 'PUT', url: '/v1/review/wellness', tag: 'review', access: 'review:decide', body: wellnessOverrideBody,
    summary: "Set the caller's own blur/greyscale override (null: back to the queue's and organisation's setting)",
    async handler({ body, principal }) {
      const caller = callerOf(principal);
      if (caller.kind !== 'user') throw new HttpError(400, 'not_a_user', 'only a signed-in reviewer has wellness settings to change');
      const current = (await profileOf(caller)) as ReviewerProfile;
      const wellness: { blur?: boolean; grayscale?: boolean } = { ...current.wellness };
      for (const key of ['blur', 'grayscale'] as const) {
        const v = body[key];
        if (v === null) delete wellness[key];
        else if (v !== undefined) wellness[key] = v;
      }
      const now = haven.clock.now();
      const actor = principalLabel(caller);
      await db.transaction().execute(async (trx) => {
        await upsertReviewerProfile(trx, { ...current, wellness, updatedBy: actor, updatedAt: now });
        await appendAudit(trx, { actor, action: 'reviewer.wellness.update', targetType: 'user', targetId: caller.id, details: { wellness } }, now);
      });
      return ownWellness(caller, null);
    },
  });

  routes.add({
    method: 'GET', url: '/v1/review/exposure', tag: 'review', access: 'ops:read',
    summary: "Every reviewer's high-severity media exposure for a UTC day (default today) against their limits",
    query: z.strictObject({ day: day.optional() }),
    async handler({ query }) {
      const forDay = query.day ?? utcDay(haven.clock.now());
      const [config, users, profiles, counters] = await Promise.all([reviewConfig(), listUsers(db), listReviewerProfiles(db), exposureOfAll(db, forDay)]);
      const profileByUser = new Map(profiles.map((p) => [p.userId, p]));
      const countersByReviewer = new Map(counters.map((c) => [c.reviewer, c]));
      const status = (reviewer: string, limits: ReviewerProfile['limits']) => {
        const c = countersByReviewer.get(reviewer) ?? { items: 0, mediaMs: 0 };
        return exposureStatus(c, forDay, exposureLimitsFor(config, limits), config.wellness.breakPromptAt);
      };
      const listed = new Set<string>();
      const reviewers = [];
      for (const u of users) {
        const reviewer = `user:${u.email}`;
        if (!permissionsOf(u.roles).has('review:decide') && !countersByReviewer.has(reviewer)) continue;
        listed.add(reviewer);
        reviewers.push({ reviewer, userId: u.id, name: u.name, email: u.email, ...status(reviewer, profileByUser.get(u.id)?.limits ?? null) });
      }
      // Counters of callers that are not users (API keys with review:decide).
      for (const c of counters) {
        if (!listed.has(c.reviewer)) reviewers.push({ reviewer: c.reviewer, userId: null, name: null, email: null, ...status(c.reviewer, null) });
      }
      return { day: forDay, reviewers };
    },
  });

  function presentReviewer(u: User, stored: ReviewerProfile | null, config: ReviewConfig) {
    const profile = stored ?? defaultProfile(u.id, u.roles);
    return {
      userId: u.id, email: u.email, name: u.name, roles: u.roles, disabled: u.disabledAt !== null, configured: stored !== null,
      team: profile.team, skills: profile.skills, languages: profile.languages, clearance: profile.clearance, limits: profile.limits,
      effectiveLimits: exposureLimitsFor(config, profile.limits), wellness: profile.wellness,
      updatedBy: stored ? profile.updatedBy : null, updatedAt: stored ? new Date(profile.updatedAt).toISOString() : null,
    };
  }

  routes.add({
    method: 'GET', url: '/v1/review/reviewers', tag: 'review', access: 'review:configure',
    summary: 'Reviewer profiles (team, skills, languages, clearance, exposure limits) of every user who reviews or has a profile',
    async handler() {
      const [config, users, profiles] = await Promise.all([reviewConfig(), listUsers(db), listReviewerProfiles(db)]);
      const byUser = new Map(profiles.map((p) => [p.userId, p]));
      return {
        reviewers: users
          .filter((u) => byUser.has(u.id) || permissionsOf(u.roles).has('review:decide'))
          .map((u) => presentReviewer(u, byUser.get(u.id) ?? null, config)),
      };
    },
  });

  routes.add({
    method: 'PUT', url: '/v1/review/reviewers/:userId', tag: 'review', access: 'review:configure',
    summary: "Set a reviewer's team, skills, languages, clearance or exposure limits (audited); fields left out keep their value",
    params: z.strictObject({ userId: id }), body: profileBody,
    async handler({ params, body, principal }) {
      const user = await getUser(db, params.userId);
      if (!user) throw new HttpError(404, 'not_found', `user ${params.userId} not found`);
      const actor = principalLabel(callerOf(principal));
      const now = haven.clock.now();
      const current = (await getReviewerProfile(db, user.id)) ?? defaultProfile(user.id, user.roles);
      const next: ReviewerProfile = {
        ...current,
        ...(body.team !== undefined ? { team: body.team } : {}),
        ...(body.skills ? { skills: [...new Set(body.skills)] } : {}),
        ...(body.languages ? { languages: [...new Set(body.languages)] } : {}),
        ...(body.clearance ? { clearance: body.clearance } : {}),
        ...(body.limits !== undefined ? { limits: body.limits } : {}),
        updatedBy: actor,
        updatedAt: now,
      };
      await db.transaction().execute(async (trx) => {
        await upsertReviewerProfile(trx, next);
        await appendAudit(trx, { actor, action: 'reviewer.profile.update', targetType: 'user', targetId: user.id, details: { changes: body } }, now);
      });
      return { reviewer: presentReviewer(user, next, await reviewConfig()) };
    },
  });
}

/** The video's first frame, or a clear refusal when this server cannot decode video. */
async function posterOf(bytes: Buffer): Promise<Buffer> {
  try {
    return await videoPosterFrame(bytes);
  } catch (e) {
    if (e instanceof VideoToolMissingError) {
      throw new HttpError(503, 'video_preview_unavailable', 'this server cannot make a still frame of the video (ffmpeg is not installed); below reveal step 3 the video itself is never sent');
    }
    throw e;
  }
}
