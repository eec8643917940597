import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hammingDistance } from '../../../src/hashing/pdq/index.js';
import { VpdqError, type VpdqVideoHash, vpdqCompare, vpdqHashVideo } from '../../../src/hashing/vpdq/index.js';
import { ffmpegSkip, makeVideos, type TestVideos } from './videos.js';

const skip = ffmpegSkip();

describe('vPDQ on synthetic videos', { skip }, () => {
  let v: TestVideos;
  let original: VpdqVideoHash;
  before(async () => {
    v = makeVideos();
    const started = performance.now();
    original = await vpdqHashVideo(v.original);
    const ms = performance.now() - started;
    console.log(`vPDQ: ${(ms / original.durationSec).toFixed(1)} ms per second of 320x240 video (${ms.toFixed(0)} ms for ${original.durationSec} s)`);
  });
  after(() => v?.cleanup());

  test('one PDQ hash per second with timestamps 0..9', () => {
    assert.equal(original.width, 320);
    assert.equal(original.height, 240);
    assert.equal(original.durationSec, 10);
    assert.equal(original.truncated, false);
    assert.deepEqual(original.frames.map((f) => f.timestampSec), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const f of original.frames) {
      assert.match(f.hash, /^[0-9a-f]{64}$/);
      assert.ok(f.quality >= 50, `frame ${f.index} quality ${f.quality}`);
    }
    // testsrc2 moves: the frames are not all one hash.
    assert.ok(new Set(original.frames.map((f) => f.hash)).size > 1);
  });

  test('hashing is deterministic', async () => {
    assert.deepEqual((await vpdqHashVideo(v.original)).frames, original.frames);
  });

  for (const [name, pick] of [
    ['MPEG-4/AVI 240x180', (x: TestVideos) => x.copy],
    ['H.264 CRF 35/MKV 240x180', (x: TestVideos) => x.copyMkv],
  ] as const) {
    test(`a re-encoded copy (${name}) matches the original both ways`, async () => {
      const copy = await vpdqHashVideo(pick(v));
      assert.equal(copy.frames.length, 10);
      const r = vpdqCompare(copy.frames, original.frames);
      assert.ok(r.queryMatchPercent >= 80 && r.targetMatchPercent >= 80, JSON.stringify(r));
      assert.equal(r.match, true);
      assert.equal(vpdqCompare(original.frames, copy.frames).match, true);
      // Frame by frame the copy stays close to the original at the same second.
      for (const f of copy.frames) assert.ok(hammingDistance(f.hash, original.frames[f.index]!.hash) <= 31);
    });
  }

  test('a video from a different synthetic source does not match', async () => {
    const other = await vpdqHashVideo(v.unrelated);
    assert.equal(other.frames.length, 10);
    const r = vpdqCompare(other.frames, original.frames, { qualityThreshold: 0 });
    assert.equal(r.match, false);
    assert.ok(r.queryMatchPercent < 50 && r.targetMatchPercent < 50, JSON.stringify(r));
  });

  test('a clip matches as a query only when the target threshold allows it', async () => {
    const clip = { ...original, frames: original.frames.slice(0, 3) };
    const r = vpdqCompare(clip.frames, original.frames);
    assert.equal(r.queryMatchPercent, 100);
    assert.equal(r.match, r.targetMatchPercent >= 80);
    assert.equal(vpdqCompare(clip.frames, original.frames, { targetMatchPercent: 0 }).match, true);
  });

  test('rotation metadata is applied before hashing', async () => {
    const rotated = await vpdqHashVideo(v.rotated);
    assert.deepEqual([rotated.width, rotated.height], [240, 320]);
    assert.equal(rotated.frames.length, 10);
  });

  test('maxFrames bounds the work and marks the result truncated', async () => {
    const head = await vpdqHashVideo(v.original, { maxFrames: 3 });
    assert.equal(head.truncated, true);
    assert.deepEqual(head.frames, original.frames.slice(0, 3));
  });

  test('corrupt, non-video and missing inputs give VpdqError', async () => {
    for (const path of [v.truncated, v.text, `${v.dir}/missing.mp4`]) {
      await assert.rejects(vpdqHashVideo(path), (e: Error) => e instanceof VpdqError && /^not a readable video: \S/.test(e.message));
    }
  });

  test('a timeout gives VpdqError', async () => {
    await assert.rejects(vpdqHashVideo(v.original, { timeoutMs: 1 }), (e: Error) => e instanceof VpdqError && /timed out/.test(e.message));
  });
});
