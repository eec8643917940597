import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PdqResult } from './core.js';
import { type PdqImageOptions, pdqHashImage } from './decode.js';
import { PdqError } from './errors.js';

/**
 * Above this many pixels the hash is computed in a worker thread: blurring tens of millions of pixels takes the
 * main thread hundreds of milliseconds (a 7000x7000 PNG compresses to a few kilobytes), during which no other
 * request is served. Below it, hashing in-process takes a few milliseconds and a thread would cost more.
 */
export const OFF_THREAD_PIXELS = 2_000_000;
/** Large images hashed at once; each holds its decoded pixels (up to 3 bytes a pixel) while it is hashed. */
const MAX_THREADS = 2;

// The compiled entry sits next to this file. Under tsx (tests, dev) only the TypeScript source exists, and a worker
// does not inherit tsx's loader, so it registers it before importing the entry.
const compiled = new URL('./thread-entry.js', import.meta.url);
const source = new URL('./thread-entry.ts', import.meta.url);
const startThread = (workerData: unknown): Worker => existsSync(fileURLToPath(compiled))
  ? new Worker(compiled, { workerData })
  : new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })`, { eval: true, workerData });

let running = 0;
const waiting: (() => void)[] = [];

async function inThread(bytes: Uint8Array, maxPixels: number): Promise<PdqResult> {
  if (running >= MAX_THREADS) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await new Promise<PdqResult>((resolve, reject) => {
      const worker = startThread({ bytes, maxPixels });
      worker.once('message', (m: { ok: true; result: PdqResult } | { ok: false; message: string }) => {
        void worker.terminate();
        if (m.ok) resolve(m.result);
        else reject(new PdqError(m.message));
      });
      worker.once('error', (e) => reject(new PdqError(`hashing thread failed (${e.message.split('\n')[0]})`)));
      worker.once('exit', (code) => reject(new PdqError(`hashing thread exited with code ${code}`)));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * pdqHashImage, with large images hashed in a worker thread (same result, bit for bit). `pixels` is the image's size
 * as the caller already probed it (ingest does), so the header is not read twice.
 */
export async function pdqHashImageOffMainThread(bytes: Uint8Array, opts: PdqImageOptions, pixels: number): Promise<PdqResult> {
  if (pixels <= OFF_THREAD_PIXELS || pixels > opts.maxPixels || opts.referenceCliResize) return pdqHashImage(bytes, opts);
  return inThread(bytes, opts.maxPixels);
}
