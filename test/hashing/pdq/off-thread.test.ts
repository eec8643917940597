// Large images are PDQ-hashed in a worker thread so the event loop stays free; the result must be the in-process
// hash, bit for bit, and a failure in the thread must still be a PdqError naming the problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { pdqHashImage } from '../../../src/hashing/pdq/decode.js';
import { PdqError } from '../../../src/hashing/pdq/errors.js';
import { OFF_THREAD_PIXELS, pdqHashImageOffMainThread } from '../../../src/hashing/pdq/off-thread.js';

async function blocksJpeg(width: number, height: number, seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  // 64-pixel blocks of colour laid out by the seed: structure for PDQ to see, different for each seed.
  for (let i = 0; i < raw.length; i += 3) {
    const x = (i / 3) % width;
    const y = Math.floor(i / 3 / width);
    const v = Math.floor(((Math.floor(x / 64) * 7 + Math.floor(y / 64) * 13 + seed) % 17) * 15);
    raw[i] = v;
    raw[i + 1] = 255 - v;
    raw[i + 2] = (v * 3) % 256;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

test('an image over the threshold is hashed in a thread with the same result as in-process', async () => {
  const width = 2000;
  const height = 1500;
  assert.ok(width * height > OFF_THREAD_PIXELS);
  const bytes = await blocksJpeg(width, height, 3);
  const inProcess = await pdqHashImage(bytes, { maxPixels: 50_000_000 });
  const threaded = await pdqHashImageOffMainThread(bytes, { maxPixels: 50_000_000 }, width * height);
  assert.deepEqual(threaded, inProcess);
});

test('two large images at once are both hashed (the thread pool queues, it does not drop)', async () => {
  const [a, b, c] = await Promise.all([blocksJpeg(1800, 1500, 1), blocksJpeg(1800, 1500, 2), blocksJpeg(1800, 1500, 4)]);
  const pixels = 1800 * 1500;
  const hashes = await Promise.all([a, b, c].map((x) => pdqHashImageOffMainThread(x as Buffer, { maxPixels: 50_000_000 }, pixels)));
  const expected = await Promise.all([a, b, c].map((x) => pdqHashImage(x as Buffer, { maxPixels: 50_000_000 })));
  assert.deepEqual(hashes, expected);
});

test('a corrupt large image fails in the thread with a PdqError', async () => {
  const good = await blocksJpeg(2000, 1500, 5);
  const truncated = good.subarray(0, Math.floor(good.length / 3));
  await assert.rejects(pdqHashImageOffMainThread(truncated, { maxPixels: 50_000_000 }, 2000 * 1500), PdqError);
});
