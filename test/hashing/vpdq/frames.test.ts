import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DecodedFrame, extractFrames, probeVideo, scaledSize, VpdqError } from '../../../src/hashing/vpdq/frames.js';
import { ffmpegSkip, makeVideos, type TestVideos } from './videos.js';

test('scaledSize keeps the aspect ratio with the longer side at most 512', () => {
  assert.deepEqual(scaledSize(320, 240), { width: 320, height: 240 });
  assert.deepEqual(scaledSize(1920, 1080), { width: 512, height: 288 });
  assert.deepEqual(scaledSize(1080, 1920), { width: 288, height: 512 });
  assert.deepEqual(scaledSize(10000, 10), { width: 512, height: 1 });
});

async function collect(gen: AsyncGenerator<DecodedFrame>): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  for await (const f of gen) out.push(f);
  return out;
}

const skip = ffmpegSkip();

describe('ffmpeg frame extraction', { skip }, () => {
  let v: TestVideos;
  before(() => {
    v = makeVideos();
  });
  after(() => v?.cleanup());

  test('probes size and duration, with rotation applied', async () => {
    assert.deepEqual(await probeVideo(v.original), { width: 320, height: 240, durationSec: 10 });
    const rotated = await probeVideo(v.rotated);
    assert.deepEqual([rotated.width, rotated.height], [240, 320]);
  });

  test('one rgb24 frame per second, timestamps 0..9', async () => {
    let truncated: boolean | undefined;
    const frames = await collect(extractFrames(v.original, { width: 320, height: 240 }, { truncated: (t) => (truncated = t) }));
    assert.equal(frames.length, 10);
    assert.deepEqual(frames.map((f) => f.timestampSec), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(frames.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const f of frames) assert.equal(f.pixels.length, 320 * 240 * 3);
    assert.equal(truncated, false);
    // Frames are distinct buffers (the consumer may keep them), and the picture is not blank.
    assert.notEqual(frames[0]!.pixels, frames[1]!.pixels);
    assert.ok(new Set(frames[0]!.pixels.subarray(0, 3000)).size > 10);
  });

  test('frames are decoded at the requested size, rotated videos upright', async () => {
    const small = await collect(extractFrames(v.original, { width: 64, height: 48 }));
    assert.equal(small.length, 10);
    assert.equal(small[0]!.pixels.length, 64 * 48 * 3);
    const rotated = await collect(extractFrames(v.rotated, { width: 240, height: 320 }));
    assert.equal(rotated.length, 10);
  });

  test('stops at maxFrames and says the video was truncated', async () => {
    let truncated: boolean | undefined;
    const frames = await collect(extractFrames(v.original, { width: 320, height: 240 }, { maxFrames: 4, truncated: (t) => (truncated = t) }));
    assert.equal(frames.length, 4);
    assert.equal(truncated, true);
    let exact: boolean | undefined;
    assert.equal((await collect(extractFrames(v.original, { width: 32, height: 24 }, { maxFrames: 10, truncated: (t) => (exact = t) }))).length, 10);
    assert.equal(exact, false);
  });

  test('a consumer that stops early leaves no ffmpeg behind', async () => {
    for await (const f of extractFrames(v.original, { width: 320, height: 240 })) {
      assert.equal(f.index, 0);
      break;
    }
  });

  test('timeout kills ffmpeg with a VpdqError', async () => {
    await assert.rejects(collect(extractFrames(v.original, { width: 320, height: 240 }, { timeoutMs: 1 })), (e: Error) => {
      assert.ok(e instanceof VpdqError);
      assert.match(e.message, /timed out/);
      return true;
    });
  });

  test('unreadable inputs give a VpdqError with ffmpeg\'s reason', async () => {
    for (const path of [v.truncated, v.text, `${v.dir}/missing.mp4`]) {
      await assert.rejects(probeVideo(path), (e: Error) => {
        assert.ok(e instanceof VpdqError, `${path}: ${e}`);
        assert.match(e.message, /^not a readable video: \S/);
        return true;
      });
      await assert.rejects(collect(extractFrames(path, { width: 32, height: 24 })), (e: Error) => {
        assert.ok(e instanceof VpdqError);
        assert.match(e.message, /^ffmpeg could not decode the video: \S/);
        return true;
      });
    }
  });

  test('missing ffmpeg is reported plainly', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await assert.rejects(probeVideo(v.original), { name: 'VpdqError', message: 'ffmpeg not found: install it (apt-get install ffmpeg)' });
      await assert.rejects(collect(extractFrames(v.original, { width: 32, height: 24 })), {
        name: 'VpdqError',
        message: 'ffmpeg not found: install it (apt-get install ffmpeg)',
      });
    } finally {
      process.env.PATH = path;
    }
  });
});
