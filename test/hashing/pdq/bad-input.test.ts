import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { type TestContext, test } from 'node:test';
import sharp from 'sharp';
import { hammingDistance, isPdqHex, PdqError, pdqFromRgb, pdqHashImage } from '../../../src/hashing/pdq/index.js';
import { REPO_ROOT } from './fixtures.js';

const opts = { maxPixels: 50_000_000 };

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG declaring 30000x30000 RGB (a decompression bomb's header) with a single row of pixel data. */
function hugePng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30000, 0);
  ihdr.writeUInt32BE(30000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1 + 30000 * 3))), chunk('IEND', new Uint8Array())]);
}

async function goodJpeg(): Promise<Buffer> {
  const px = Buffer.alloc(200 * 150 * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7 + (i >> 9)) & 255;
  return sharp(px, { raw: { width: 200, height: 150, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

async function refused(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  await assert.rejects(pdqHashImage(bytes, opts), (e: unknown) => {
    assert.ok(e instanceof PdqError, `not a PdqError: ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('truncated JPEG, empty file, oversized PNG header and garbage are refused with a PdqError saying why', async () => {
  const jpeg = await goodJpeg();
  assert.ok(isPdqHex((await pdqHashImage(jpeg, opts)).hash));
  await refused(jpeg.subarray(0, Math.floor(jpeg.length / 2)), /cannot be decoded|premature end|truncat/i);
  await refused(new Uint8Array(0), /empty file \(0 bytes\)/);
  await refused(hugePng(), /30000x30000 \(900000000 pixels\), over the limit of 50000000 pixels/);
  await refused(Buffer.from('this is not an image at all'), /not a decodable image/);
});

test('pdqFromRgb refuses a short buffer or bad channel count, and gives the reference zero hash under 5 px', () => {
  assert.throws(() => pdqFromRgb(new Uint8Array(10), 10, 10, 3), PdqError);
  assert.throws(() => pdqFromRgb(new Uint8Array(500), 10, 10, 5), PdqError);
  const tiny = pdqFromRgb(new Uint8Array(4 * 4 * 3).fill(9), 4, 4, 3);
  assert.equal(tiny.quality, 0);
  assert.equal(tiny.hash, '0'.repeat(64));
  assert.throws(() => hammingDistance('abc', '0'.repeat(64)), PdqError);
});

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'haven-pdq-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('haven hash prints an error line for each file it cannot hash, hashes the rest, and exits 1', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const jpeg = await goodJpeg();
  const files = {
    good: join(dir, 'good.jpg'),
    truncated: join(dir, 'truncated.jpg'),
    empty: join(dir, 'empty.png'),
    huge: join(dir, 'huge.png'),
    missing: join(dir, 'missing.jpg'),
  };
  writeFileSync(files.good, jpeg);
  writeFileSync(files.truncated, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  writeFileSync(files.empty, new Uint8Array(0));
  writeFileSync(files.huge, hugePng());
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'hash', '--json', ...Object.values(files)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, NODE_OPTIONS: undefined, HAVEN_MAX_IMAGE_PIXELS: '50000000' },
  });
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => l.file), Object.values(files));
  const [good, truncated, empty, huge, missing] = lines as [Record<string, unknown>, ...Record<string, unknown>[]];
  assert.deepEqual(Object.keys(good), ['file', 'pdq', 'quality', 'md5', 'sha256']);
  assert.equal(good.pdq, (await pdqHashImage(jpeg, opts)).hash);
  assert.deepEqual(Object.keys(truncated!), ['file', 'error']);
  assert.match(String(truncated!.error), /cannot be decoded/);
  assert.match(String(empty!.error), /empty file/);
  assert.match(String(huge!.error), /over the limit of 50000000 pixels/);
  assert.equal(missing!.error, 'no such file');
});
