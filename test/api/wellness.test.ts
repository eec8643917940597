import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import sharp from 'sharp';
import { claimNext } from '../../src/review/claims.js';
import { DEFAULT_REVIEW_CONFIG, type ReviewConfig } from '../../src/review/config.js';
import { utcDay } from '../../src/review/wellness.js';
import { fromJson } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import { addExposure } from '../../src/store/repos/exposure.js';
import { insertReviewTasks } from '../../src/store/repos/review.js';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

type Fixture = Awaited<ReturnType<typeof apiFixture>>;
type Session = { cookie: string; csrf: string };

const LEASE = 10 * 60_000;
const REVIEWER = 'user:reviewer@test.local';
const QUEUE = 'wellness-test';

/** Pixels as RGB, for comparing renderings. */
async function rgb(bytes: Buffer, size?: { width: number; height: number }) {
  let img = sharp(bytes).removeAlpha().toColourspace('srgb');
  if (size) img = img.resize(size.width, size.height, { fit: 'fill' });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return { data, width: info.width, height: info.height };
}

/** The largest difference between the channels of any pixel: 0 (up to encoding noise) for greyscale. */
function channelSpread(p: { data: Buffer }): number {
  let max = 0;
  for (let i = 0; i < p.data.length; i += 3) {
    const r = p.data[i] as number;
    const g = p.data[i + 1] as number;
    const b = p.data[i + 2] as number;
    max = Math.max(max, Math.max(r, g, b) - Math.min(r, g, b));
  }
  return max;
}

/** Mean absolute difference between horizontal neighbours (all channels): high for sharp edges, low when blurred. */
function edgeEnergy(p: { data: Buffer; width: number; height: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x + 1 < p.width; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * p.width + x) * 3 + c;
        sum += Math.abs((p.data[i] as number) - (p.data[i + 3] as number));
        n++;
      }
    }
  }
  return sum / n;
}

function meanAbsDiff(a: { data: Buffer }, b: { data: Buffer }): number {
  assert.equal(a.data.length, b.data.length);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
  return sum / a.data.length;
}

/** A benign colourful checkerboard: many sharp edges, so blur shows clearly in the pixels. */
async function checkerPng(width: number, height: number, cell = 8): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  const colours = [[220, 40, 40], [40, 200, 60], [40, 60, 220], [240, 220, 30]] as const;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = colours[(Math.floor(x / cell) + 2 * Math.floor(y / cell)) % 4] as readonly number[];
      px.set(c, (y * width + x) * 3);
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

async function ingestMedia(f: Fixture, externalId: string, data: Buffer): Promise<{ itemId: string; mediaId: string }> {
  const res = await f.app.inject({
    method: 'POST', url: '/v1/items', headers: f.auth(),
    payload: { externalId, surface: 'public_post', author: { externalId: 'a1' }, media: [{ data: data.toString('base64') }] },
  });
  assert.ok(res.statusCode < 300, res.body);
  const { itemId } = res.json() as { itemId: string };
  const view = (await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: f.auth() })).json() as { item: { media: { id: string }[] } };
  return { itemId, mediaId: view.item.media[0]?.id as string };
}

/** A task on the item in the test queue, claimed by `reviewer`. */
async function claimedTask(f: Fixture, itemId: string, reviewer = REVIEWER, queue = QUEUE): Promise<string> {
  const now = f.haven.clock.now();
  await insertReviewTasks(f.haven.store.db, [{
    itemId, decisionId: newId(), queue, category: 'CSE-01', severity: 'S1', slaDueAt: now + 3_600_000, hasMedia: true,
  }], now);
  const claimed = await claimNext(f.haven.store.db, { reviewer, queues: [queue], leaseMs: LEASE, now });
  assert.ok(claimed, 'the task was claimed');
  return claimed.taskId;
}

function as(f: Fixture, s: Session) {
  const get = (url: string) => f.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
  const put = (url: string, payload: Record<string, unknown>) =>
    f.app.inject({ method: 'PUT', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });
  return { get, put };
}

const errorCode = (r: { statusCode: number; json(): unknown }) => [r.statusCode, (r.json() as { error: { code: string } }).error.code];

test('review media is blurred and greyscale by default and revealed in audited steps, only to the claim holder', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'reviewer2@test.local', name: 'Second', password: PASSWORD, roles: ['reviewer'] }, 'test');
      const reviewer = as(f, await f.login('reviewer'));
      const other = as(f, await f.login('reviewer2'));
      const original = await checkerPng(160, 120);
      const { itemId, mediaId } = await ingestMedia(f, 'img-1', original);
      const elsewhere = await ingestMedia(f, 'img-2', await patternPng(7, 64, 64));
      await f.drain();
      const taskId = await claimedTask(f, itemId);
      const media = (step: number | string, who = reviewer, task = taskId, id = mediaId) => who.get(`/v1/review/media/${id}?task=${task}&reveal=${step}`);
      const reveals = () => f.haven.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'media.reveal').orderBy('seq').execute();

      // Step 0: what the organisation default says (blur and greyscale), not audited.
      const step0 = await media(0);
      assert.equal(step0.statusCode, 200, step0.body);
      assert.equal(step0.headers['content-type'], 'image/webp');
      assert.equal(step0.headers['cache-control'], 'private, no-store');
      assert.equal(step0.headers['x-haven-reveal-step'], '0');
      assert.deepEqual(await reveals(), [], 'step 0 is not audited');

      const orig = await rgb(original);
      const size = { width: orig.width, height: orig.height };
      const shown = [await rgb(step0.rawPayload)];
      for (const step of [1, 2, 3]) {
        const r = await media(step);
        assert.equal(r.statusCode, 200, r.body);
        assert.equal(r.headers['cache-control'], 'private, no-store');
        shown.push(await rgb(r.rawPayload));
      }
      const [s0, s1, s2, s3] = shown as [typeof orig, typeof orig, typeof orig, typeof orig];
      assert.deepEqual([s0.width, s0.height], [size.width, size.height]);
      assert.ok(channelSpread(orig) > 100, 'the original is colourful');
      for (const [i, s] of [s0, s1, s2].entries()) assert.ok(channelSpread(s) <= 3, `step ${i} is greyscale (spread ${channelSpread(s)})`);
      assert.ok(channelSpread(s3) > 100, 'step 3 has the original colours');
      const [e0, e1, e2, e3, eo] = [edgeEnergy(s0), edgeEnergy(s1), edgeEnergy(s2), edgeEnergy(s3), edgeEnergy(orig)];
      assert.ok(e0 < e1 && e1 < e2, `each step is sharper: ${e0} < ${e1} < ${e2}`);
      assert.ok(e0 < eo / 10, `step 0 is strongly blurred (${e0} against the original's ${eo})`);
      assert.ok(meanAbsDiff(s3, orig) < 6, `step 3 is the original (mean difference ${meanAbsDiff(s3, orig)})`);
      assert.ok(meanAbsDiff(s0, orig) > 30, 'step 0 is far from the original');
      assert.ok(e3 > eo * 0.8, 'step 3 keeps the original sharpness');

      // Steps 1..3 each audited and recorded on the item's trace.
      const audited = await reveals();
      assert.deepEqual(audited.map((a) => [a.actor, a.target_id, fromJson<Record<string, unknown>>(a.details)]), [1, 2, 3].map((step) => [
        REVIEWER, mediaId, { taskId, step, itemId },
      ]));
      const events = await f.haven.store.db.selectFrom('events').selectAll().where('item_id', '=', itemId).where('type', 'in', ['media_revealed', 'media_viewed']).orderBy('id').execute();
      const revealed = events.filter((e) => e.type === 'media_revealed').map((e) => [e.actor, fromJson(e.payload)]);
      assert.deepEqual(revealed, [1, 2, 3].map((step) => [REVIEWER, { mediaId, taskId, step }]));
      // Sharp renderings are a person seeing the file (the NCMEC report says so); blurred ones are not.
      const viewedSteps = events.filter((e) => e.type === 'media_viewed').map((e) => (fromJson(e.payload) as { step: number }).step);
      assert.deepEqual(viewedSteps, [2, 3]);

      // Only the reviewer holding the claim, on media of the task's item, with a live lease.
      assert.deepEqual(errorCode(await media(0, other)), [403, 'not_claimed']);
      assert.deepEqual(errorCode(await media(3, other)), [403, 'not_claimed']);
      assert.deepEqual(errorCode(await media(0, reviewer, taskId, elsewhere.mediaId)), [404, 'not_found']);
      assert.deepEqual(errorCode(await media(0, reviewer, 'NOSUCHTASK')), [404, 'not_found']);
      assert.deepEqual(errorCode(await media(4)), [400, 'invalid_request']);
      assert.deepEqual(errorCode(await reviewer.get(`/v1/review/media/${mediaId}`)), [400, 'invalid_request'], 'the task is required');
      const manager = as(f, await f.login('analyst'));
      assert.equal((await media(0, manager)).statusCode, 403, 'needs review:decide');
      await f.haven.store.db.updateTable('review_tasks').set({ lease_until: f.haven.clock.now() - 1 }).where('id', '=', taskId).execute();
      assert.deepEqual(errorCode(await media(0)), [409, 'lease_expired']);
      assert.equal((await reveals()).length, 3, 'refused requests are not recorded as reveals');

      // The reviewer's own override: blur off. Step 0 is then sharp (still greyscale) and counts as a view.
      const otherTask = await claimedTask(f, elsewhere.itemId, 'user:reviewer2@test.local', 'second-queue');
      const off = await other.put('/v1/review/wellness', { blur: false });
      assert.equal(off.statusCode, 200, off.body);
      assert.deepEqual((off.json() as { toggles: unknown }).toggles, { blur: false, grayscale: true });
      const sharpGrey = await media(0, other, otherTask, elsewhere.mediaId);
      assert.equal(sharpGrey.statusCode, 200, sharpGrey.body);
      assert.equal(sharpGrey.headers['x-haven-blur-sigma'], '0');
      assert.equal(sharpGrey.headers['x-haven-grayscale'], 'true');
      assert.ok(channelSpread(await rgb(sharpGrey.rawPayload)) <= 3);
      const back = await other.put('/v1/review/wellness', { blur: null });
      assert.deepEqual((back.json() as { toggles: unknown; override: unknown }).toggles, { blur: true, grayscale: true });
      assert.deepEqual((back.json() as { override: unknown }).override, {});
      assert.equal((await media(0, other, otherTask, elsewhere.mediaId)).headers['x-haven-blur-sigma'], '18');
      assert.deepEqual(errorCode(await other.put('/v1/review/wellness', { blur: 'no' })), [400, 'invalid_request']);
      assert.deepEqual(errorCode(await other.put('/v1/review/wellness', { colour: true })), [400, 'invalid_request']);
    } finally {
      await f.close();
    }
  });
});

test('a queue\'s wellness settings apply to its tasks', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      const config: ReviewConfig = {
        ...DEFAULT_REVIEW_CONFIG,
        queues: [...DEFAULT_REVIEW_CONFIG.queues, { id: 'colour', name: 'Colour', filters: {}, clearance: 'standard', skills: [], wellness: { grayscale: false } }],
      };
      await f.haven.configs.deploy('review', config, 'colour queue', 'test');
      const { itemId, mediaId } = await ingestMedia(f, 'img-c', await patternPng(3, 120, 90));
      await f.drain();
      const taskId = await claimedTask(f, itemId, REVIEWER, 'colour');
      const reviewer = as(f, await f.login('reviewer'));
      const r = await reviewer.get(`/v1/review/media/${mediaId}?task=${taskId}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual([r.headers['x-haven-blur-sigma'], r.headers['x-haven-grayscale']], ['18', 'false'], 'blurred (organisation) in colour (queue)');
      const own = (await reviewer.get('/v1/review/wellness?queue=colour')).json() as { toggles: unknown };
      assert.deepEqual(own.toggles, { blur: true, grayscale: false });
    } finally {
      await f.close();
    }
  });
});

test('video is never sent below step 3: a blurred still frame, or a clear refusal without ffmpeg', async (t) => {
  const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
  if (hasFfmpeg) {
    t.skip('ffmpeg is installed: this test covers the server without it (a fake MP4 would be refused at ingest)');
    return;
  }
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      // Recognised as MP4 by its header; without ffmpeg Haven keeps it, matched by digest only.
      const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(64, 1)]);
      const { itemId, mediaId } = await ingestMedia(f, 'vid-1', video);
      await f.drain();
      const taskId = await claimedTask(f, itemId);
      const reviewer = as(f, await f.login('reviewer'));
      for (const step of [0, 1, 2]) {
        const r = await reviewer.get(`/v1/review/media/${mediaId}?task=${taskId}&reveal=${step}`);
        assert.deepEqual(errorCode(r), [503, 'video_preview_unavailable'], `step ${step}`);
        assert.match(r.body, /ffmpeg is not installed/);
      }
      const originalStep = await reviewer.get(`/v1/review/media/${mediaId}?task=${taskId}&reveal=3`);
      assert.equal(originalStep.statusCode, 200);
      assert.equal(originalStep.headers['content-type'], 'video/mp4');
      assert.deepEqual(originalStep.rawPayload, video);
      const audited = await f.haven.store.db.selectFrom('audit_log').select('details').where('action', '=', 'media.reveal').execute();
      assert.deepEqual(audited.map((a) => (fromJson(a.details) as { step: number }).step), [3], 'refused steps are not recorded');
    } finally {
      await f.close();
    }
  });
});

test('exposure: a reviewer sees only their own, the operations manager sees everyone\'s; profiles are the manager\'s', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'reviewer2@test.local', name: 'Second', password: PASSWORD, roles: ['reviewer'] }, 'test');
      await f.haven.auth.createUser({ email: 'manager@test.local', name: 'Manager', password: PASSWORD, roles: ['ops_manager'] }, 'test');
      const today = utcDay(f.haven.clock.now());
      await addExposure(f.haven.store.db, REVIEWER, today, { items: 4, mediaMs: 6 * 60_000 }, f.haven.clock.now());
      await addExposure(f.haven.store.db, 'user:reviewer2@test.local', today, { items: 41, mediaMs: 10 * 60_000 }, f.haven.clock.now());
      await addExposure(f.haven.store.db, REVIEWER, '2020-01-01', { items: 99, mediaMs: 0 }, f.haven.clock.now());
      const reviewer = as(f, await f.login('reviewer'));
      const manager = as(f, await f.login('manager'));

      assert.deepEqual(errorCode(await reviewer.get('/v1/review/exposure')), [403, 'forbidden']);
      assert.deepEqual(errorCode(await reviewer.get('/v1/review/reviewers')), [403, 'forbidden']);
      const own = await reviewer.get('/v1/review/wellness');
      assert.equal(own.statusCode, 200, own.body);
      const mine = own.json() as { reviewer: string; toggles: unknown; exposure: { items: number; minutes: number; day: string; breakPrompt: boolean } };
      assert.equal(mine.reviewer, REVIEWER);
      assert.deepEqual(mine.toggles, { blur: true, grayscale: true });
      assert.deepEqual([mine.exposure.day, mine.exposure.items, mine.exposure.minutes, mine.exposure.breakPrompt], [today, 4, 6, false]);
      assert.doesNotMatch(own.body, /reviewer2/, 'nothing about anyone else');
      assert.equal((await manager.get('/v1/review/wellness')).statusCode, 403, 'the manager does not review');

      const all = await manager.get('/v1/review/exposure');
      assert.equal(all.statusCode, 200, all.body);
      const body = all.json() as { day: string; reviewers: { email: string; name: string; items: number; breakPrompt: boolean; limitReached: boolean }[] };
      assert.equal(body.day, today);
      const row = (email: string) => body.reviewers.find((r) => r.email === email);
      assert.deepEqual(body.reviewers.map((r) => r.email).sort(), ['reviewer2@test.local', 'reviewer@test.local', 'senior_reviewer@test.local']);
      assert.deepEqual([row('reviewer@test.local')?.items, row('reviewer@test.local')?.name], [4, 'reviewer']);
      assert.deepEqual([row('reviewer2@test.local')?.items, row('reviewer2@test.local')?.breakPrompt, row('reviewer2@test.local')?.limitReached], [41, true, false]);
      assert.equal(row('senior_reviewer@test.local')?.items, 0);
      const past = (await manager.get('/v1/review/exposure?day=2020-01-01')).json() as typeof body;
      assert.equal(past.reviewers.find((r) => r.email === 'reviewer@test.local')?.items, 99);
      assert.deepEqual(errorCode(await manager.get('/v1/review/exposure?day=yesterday')), [400, 'invalid_request']);

      // Profiles: listed with defaults, changed by the manager (audited), limits reflected in exposure.
      const list = (await manager.get('/v1/review/reviewers')).json() as { reviewers: { userId: string; email: string; clearance: string; configured: boolean }[] };
      const second = list.reviewers.find((r) => r.email === 'reviewer2@test.local');
      assert.deepEqual([second?.clearance, second?.configured], ['standard', false]);
      assert.equal(list.reviewers.find((r) => r.email === 'senior_reviewer@test.local')?.clearance, 'senior');
      const userId = second?.userId as string;
      const limits = { highSeverityItemsPerDay: 40, highSeverityMinutesPerDay: 120 };
      const put = await manager.put(`/v1/review/reviewers/${userId}`, { team: 'emea', skills: ['video'], languages: ['en', 'de'], limits });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual((put.json() as { reviewer: Record<string, unknown> }).reviewer.effectiveLimits, limits);
      const audit = await f.haven.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'reviewer.profile.update').execute();
      assert.deepEqual(audit.map((a) => [a.actor, a.target_id]), [['user:manager@test.local', userId]]);
      const after = (await manager.get('/v1/review/exposure')).json() as typeof body;
      assert.equal(after.reviewers.find((r) => r.email === 'reviewer2@test.local')?.limitReached, true, '41 items is past the new limit of 40');
      const relisted = (await manager.get('/v1/review/reviewers')).json() as { reviewers: { email: string; team: string; skills: string[]; languages: string[]; configured: boolean }[] };
      const changed = relisted.reviewers.find((r) => r.email === 'reviewer2@test.local');
      assert.deepEqual([changed?.team, changed?.skills, changed?.languages, changed?.configured], ['emea', ['video'], ['en', 'de'], true]);
      const cleared = await manager.put(`/v1/review/reviewers/${userId}`, { limits: null, clearance: 'senior' });
      assert.deepEqual((cleared.json() as { reviewer: Record<string, unknown> }).reviewer.team, 'emea', 'fields left out keep their value');
      assert.deepEqual((cleared.json() as { reviewer: Record<string, unknown> }).reviewer.limits, null);

      assert.deepEqual(errorCode(await manager.put('/v1/review/reviewers/NOSUCHUSER', { team: 'x' })), [404, 'not_found']);
      assert.deepEqual(errorCode(await manager.put(`/v1/review/reviewers/${userId}`, {})), [400, 'invalid_request']);
      assert.deepEqual(errorCode(await manager.put(`/v1/review/reviewers/${userId}`, { clearance: 'top' })), [400, 'invalid_request']);
      assert.deepEqual(errorCode(await manager.put(`/v1/review/reviewers/${userId}`, { limits: { highSeverityItemsPerDay: 0, highSeverityMinutesPerDay: 5 } })), [400, 'invalid_request']);
      assert.deepEqual(errorCode(await reviewer.put(`/v1/review/reviewers/${userId}`, { team: 'mine' })), [403, 'forbidden']);

      // The reviewer's own override survives the manager's edits and vice versa.
      const other = as(f, await f.login('reviewer2'));
      await other.put('/v1/review/wellness', { grayscale: false });
      await manager.put(`/v1/review/reviewers/${userId}`, { team: 'apac' });
      const own2 = (await other.get('/v1/review/wellness')).json() as { toggles: unknown };
      assert.deepEqual(own2.toggles, { blur: true, grayscale: false });
      const final = (await manager.get('/v1/review/reviewers')).json() as { reviewers: { email: string; team: string; clearance: string }[] };
      assert.deepEqual(final.reviewers.filter((r) => r.email === 'reviewer2@test.local').map((r) => [r.team, r.clearance]), [['apac', 'senior']]);
    } finally {
      await f.close();
    }
  });
});
