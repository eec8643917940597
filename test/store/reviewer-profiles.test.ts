import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Store, migrate, openStore } from '../../src/store/db.js';
import {
  defaultProfile, getReviewerProfile, listReviewerProfiles, type ReviewerProfile, upsertReviewerProfile,
} from '../../src/store/repos/reviewer-profiles.js';
import { type Backend, forEachBackend } from '../helpers/stores.js';

async function withStore(b: Backend, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(b.config);
  await migrate(store);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

test('default profiles: senior clearance for senior reviewers, managers and admins; English; no team or skills', () => {
  assert.equal(defaultProfile('u1', ['reviewer']).clearance, 'standard');
  assert.equal(defaultProfile('u1', []).clearance, 'standard');
  for (const role of ['senior_reviewer', 'ops_manager', 'admin']) assert.equal(defaultProfile('u1', ['reviewer', role]).clearance, 'senior', role);
  const p = defaultProfile('u1', ['reviewer']);
  assert.deepEqual({ team: p.team, skills: p.skills, languages: p.languages, wellness: p.wellness, limits: p.limits, userId: p.userId }, {
    team: null, skills: [], languages: ['en'], wellness: {}, limits: null, userId: 'u1',
  });
});

test('reviewer profiles round-trip and are replaced on upsert', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async ({ db }) => {
    assert.equal(await getReviewerProfile(db, 'u1'), null);
    const first: ReviewerProfile = {
      userId: 'u1', team: 'emea', skills: ['video', 'grooming'], languages: ['en', 'de'], clearance: 'senior',
      wellness: { blur: false }, limits: { highSeverityItemsPerDay: 20, highSeverityMinutesPerDay: 45 }, updatedBy: 'user:m@x', updatedAt: 1000,
    };
    await upsertReviewerProfile(db, first);
    assert.deepEqual(await getReviewerProfile(db, 'u1'), first);

    const second: ReviewerProfile = { ...first, team: null, skills: [], wellness: { grayscale: true }, limits: null, clearance: 'standard', updatedAt: 2000 };
    await upsertReviewerProfile(db, second);
    assert.deepEqual(await getReviewerProfile(db, 'u1'), second);

    await upsertReviewerProfile(db, { ...defaultProfile('u0', ['reviewer']), updatedBy: 'x', updatedAt: 5 });
    assert.deepEqual((await listReviewerProfiles(db)).map((p) => p.userId), ['u0', 'u1']);
  }));
});
