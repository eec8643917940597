import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import {
  EvidenceError, evidenceRecordsForItem, HASH_ONLY_NOTE, listItemHolds, openEvidence, openEvidenceFile, placeLegalHold,
  releaseLegalHold, runRetention,
} from '../../../src/enforcement/evidence/index.js';
import { itemView } from '../../../src/pipeline/item-view.js';
import { eventsForItem } from '../../../src/store/repos/events.js';
import type { ItemId } from '../../../src/core/ids.js';
import { patternPng } from '../../helpers/images.js';
import { forEachBackend } from '../../helpers/stores.js';
import { DAY, START, vaultFixture } from './fixture.js';

const CANARY = 'canary-7731 nice colours today';

test('a banked CSE-01 item is preserved in the same commit as its decision, sealed at rest', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await vaultFixture(backend);
    try {
      const itemId = await f.ingest('banked-1', { image: f.banked, text: CANARY });
      await f.drain();

      const view = await itemView(f.haven.store, itemId, f.clock.now());
      assert.ok(view);
      assert.equal(view.decision?.category, 'CSE-01');
      const preserve = view.actions.find((a) => a.type === 'preserve');
      assert.equal(preserve?.status, 'done');

      const [record, ...more] = await evidenceRecordsForItem(f.haven.store.db, itemId);
      assert.ok(record);
      assert.equal(more.length, 0);
      assert.equal(record.actionId, preserve?.id);
      assert.equal(record.decisionId, view.decision?.id);
      assert.equal(record.sealed, true);
      assert.equal(record.mediaNote, null);
      assert.deepEqual(record.media.map((m) => [m.sha256, m.blobHeld]), [[view.item.media[0]?.sha256, true]]);

      // A one-year preservation hold, shown in the item view, and the event that records its expiry.
      assert.equal(view.holds.length, 1);
      const hold = view.holds[0];
      assert.deepEqual([hold?.kind, hold?.evidenceId, hold?.expiresAt, hold?.inForce], ['preservation', record.id, START + 365 * DAY, true]);
      const preserved = view.events.find((e) => e.type === 'evidence_preserved');
      assert.equal(preserved?.payload.holdExpiresAt, START + 365 * DAY);
      assert.ok(view.events.findIndex((e) => e.type === 'decision') < view.events.findIndex((e) => e.type === 'evidence_preserved'));

      // The snapshot holds the item, but its stored form does not show it.
      const row = await f.haven.store.db.selectFrom('evidence_records').selectAll().where('id', '=', record.id).executeTakeFirstOrThrow();
      assert.ok(row.snapshot_ciphertext && row.snapshot_plain === null);
      assert.equal(Buffer.from(row.snapshot_ciphertext).indexOf(CANARY), -1);
      assert.equal(Buffer.from(row.snapshot_ciphertext).indexOf(itemId), -1);
      const blob = await f.haven.store.db.selectFrom('media_blobs').selectAll().executeTakeFirstOrThrow();
      assert.equal(Buffer.from(blob.ciphertext).indexOf(f.banked.subarray(100, 140)), -1);

      const { snapshot } = await openEvidence(f.haven.store.db, f.haven.keys, { evidenceId: record.id, actor: 'test', now: f.clock.now() });
      assert.equal(snapshot.item.text, CANARY);
      assert.equal(snapshot.decision?.category, 'CSE-01');
      assert.equal(snapshot.item.media[0]?.sha256, record.media[0]?.sha256);
      const file = await openEvidenceFile(f.haven.store.db, f.haven.keys, { evidenceId: record.id, sha256: record.media[0]?.sha256 ?? '', actor: 'test', now: f.clock.now() });
      assert.ok(file.bytes.equals(f.banked));

      if (backend.name === 'sqlite') {
        // The image bytes appear nowhere in the database files (WAL included).
        const probe = f.banked.subarray(f.banked.length >> 1, (f.banked.length >> 1) + 48);
        for (const path of [backend.config.sqlitePath, `${backend.config.sqlitePath}-wal`]) {
          if (existsSync(path)) assert.equal(readFileSync(path).indexOf(probe), -1, `${path} holds the image bytes`);
        }
      }
    } finally {
      await f.close();
    }
  });
});

test('every read of a snapshot or file is audited', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await vaultFixture(backend);
    try {
      const itemId = await f.ingest('banked-2', { image: f.banked });
      await f.drain();
      const [record] = await evidenceRecordsForItem(f.haven.store.db, itemId);
      assert.ok(record);
      const audits = () => f.haven.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'evidence.view').execute();
      for (let i = 0; i < 3; i++) {
        await openEvidence(f.haven.store.db, f.haven.keys, { evidenceId: record.id, actor: `user:reader${i}`, now: f.clock.now() });
      }
      await openEvidenceFile(f.haven.store.db, f.haven.keys, { evidenceId: record.id, sha256: record.media[0]?.sha256 ?? '', actor: 'user:reader9', now: f.clock.now() });
      const rows = await audits();
      assert.deepEqual(rows.map((r) => [r.actor, r.target_id]), [
        ['user:reader0', record.id], ['user:reader1', record.id], ['user:reader2', record.id], ['user:reader9', record.id],
      ]);
      const viewed = (await eventsForItem(f.haven.store.db, itemId as ItemId)).filter((e) => e.type === 'evidence_viewed');
      assert.deepEqual(viewed.map((e) => e.payload.part), ['snapshot', 'snapshot', 'snapshot', 'file']);
    } finally {
      await f.close();
    }
  });
});

test('legal holds last until lifted with a reason; retention honours every hold in force', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await vaultFixture(backend);
    try {
      const banked = await f.ingest('banked-3', { image: f.banked });
      const loose = await f.ingest('loose', { image: await patternPng(11) });
      const held = await f.ingest('held', { image: await patternPng(12) });
      const sharedA = await f.ingest('shared-a', { image: await patternPng(13) });
      const sharedB = await f.ingest('shared-b', { image: await patternPng(13), text: 'same picture again' });
      const byHeldAccount = await f.ingest('by-held-account', { image: await patternPng(14), author: 'u-held' });
      await f.drain();
      const sha = async (id: string) => (await itemView(f.haven.store, id))?.item.media[0]?.sha256 ?? '';
      const blobs = async () => new Set((await f.haven.store.db.selectFrom('media_blobs').select('sha256').execute()).map((r) => r.sha256));

      const db = f.haven.store.db;
      const legal = await placeLegalHold(db, { target: { itemId: held }, reason: 'court order 12', actor: 'user:legal', now: f.clock.now() });
      await placeLegalHold(db, { target: { itemId: sharedB }, reason: 'court order 13', actor: 'user:legal', now: f.clock.now() });
      await placeLegalHold(db, { target: { accountId: 'u-held' }, reason: 'court order 14', actor: 'user:legal', now: f.clock.now() });
      await assert.rejects(placeLegalHold(db, { target: { itemId: held }, reason: ' ', actor: 'user:legal', now: f.clock.now() }), EvidenceError);
      assert.equal((await blobs()).size, 5);

      // Nothing is older than the retention yet.
      assert.equal((await runRetention(db, { now: f.clock.now(), retentionDays: 90 })).blobsDeleted, 0);

      f.advanceDays(100);
      const dry = await runRetention(db, { now: f.clock.now(), retentionDays: 90, dryRun: true });
      assert.deepEqual([dry.blobsDeleted, dry.blobs], [1, [await sha(loose)]]);
      assert.equal((await blobs()).size, 5, 'a dry run deletes nothing');
      const first = await runRetention(db, { now: f.clock.now(), retentionDays: 90 });
      assert.deepEqual([first.blobsDeleted, first.snapshotsPurged], [1, 0]);
      assert.deepEqual(await blobs(), new Set([await sha(banked), await sha(held), await sha(sharedA), await sha(byHeldAccount)]));
      const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'evidence.retention').execute();
      assert.equal(audit.length, 1);

      // Past a year the preservation hold has expired: the banked file and its snapshot go. Legal holds stay.
      f.advanceDays(300);
      assert.equal((await listItemHolds(db, banked, f.clock.now()))[0]?.inForce, false);
      const legalHolds = await listItemHolds(db, held, f.clock.now());
      assert.deepEqual(legalHolds.map((h) => [h.kind, h.expiresAt, h.inForce]), [['legal', null, true]]);
      const second = await runRetention(db, { now: f.clock.now(), retentionDays: 90 });
      assert.deepEqual([second.blobsDeleted, second.snapshotsPurged], [1, 1]);
      assert.deepEqual(await blobs(), new Set([await sha(held), await sha(sharedA), await sha(byHeldAccount)]));
      const [record] = await evidenceRecordsForItem(db, banked);
      assert.ok(record?.purgedAt);
      await assert.rejects(openEvidence(db, f.haven.keys, { evidenceId: record.id, actor: 'test', now: f.clock.now() }), /deleted by retention/);

      // Ten years on, a legal hold is still in force; lifted (with a reason), it stops protecting.
      f.advanceDays(3650);
      assert.equal((await runRetention(db, { now: f.clock.now(), retentionDays: 90 })).blobsDeleted, 0);
      await assert.rejects(releaseLegalHold(db, { holdId: legal.id, reason: '', actor: 'user:legal', now: f.clock.now() }), /needs a reason/);
      await releaseLegalHold(db, { holdId: legal.id, reason: 'case closed', actor: 'user:legal', now: f.clock.now() });
      await assert.rejects(releaseLegalHold(db, { holdId: legal.id, reason: 'case closed', actor: 'user:legal', now: f.clock.now() }), /already lifted/);
      const third = await runRetention(db, { now: f.clock.now(), retentionDays: 90 });
      assert.equal(third.blobsDeleted, 1);
      assert.deepEqual(await blobs(), new Set([await sha(sharedA), await sha(byHeldAccount)]));

      const actions = (await db.selectFrom('audit_log').select('action').where('action', 'like', 'evidence.%').orderBy('seq').execute()).map((r) => r.action);
      assert.deepEqual(actions.filter((a) => a !== 'evidence.retention'), ['evidence.hold', 'evidence.hold', 'evidence.hold', 'evidence.release']);
      const trace = (await eventsForItem(db, held as ItemId)).map((e) => e.type);
      assert.ok(trace.includes('legal_hold_placed') && trace.includes('legal_hold_released'));
    } finally {
      await f.close();
    }
  });
});

test('hash-only mode records evidence without media', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await vaultFixture(backend);
    try {
      const itemId = await f.ingest('banked-4', { image: f.banked, text: CANARY });
      await f.drain();
      const [record] = await evidenceRecordsForItem(f.haven.store.db, itemId);
      assert.ok(record);
      assert.equal(record.mediaNote, HASH_ONLY_NOTE);
      assert.equal(record.sealed, false);
      assert.deepEqual(record.media.map((m) => m.blobHeld), [false]);
      assert.equal((await f.haven.store.db.selectFrom('media_blobs').select('sha256').execute()).length, 0);
      const { snapshot } = await openEvidence(f.haven.store.db, f.haven.keys, { evidenceId: record.id, actor: 'test', now: f.clock.now() });
      assert.equal(snapshot.item.text, CANARY);
      await assert.rejects(
        openEvidenceFile(f.haven.store.db, f.haven.keys, { evidenceId: record.id, sha256: record.media[0]?.sha256 ?? '', actor: 'test', now: f.clock.now() }),
        /hash-only/,
      );
      assert.equal((await listItemHolds(f.haven.store.db, itemId, f.clock.now()))[0]?.expiresAt, START + 365 * DAY);
    } finally {
      await f.close();
    }
  }, { hashOnly: true });
});
