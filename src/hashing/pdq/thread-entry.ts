// Runs in a worker thread: decodes and PDQ-hashes one large image, so the main thread's event loop stays free.
import { parentPort, workerData } from 'node:worker_threads';
import { pdqHashImage } from './decode.js';

const { bytes, maxPixels } = workerData as { bytes: Uint8Array; maxPixels: number };
pdqHashImage(bytes, { maxPixels }).then(
  (result) => parentPort?.postMessage({ ok: true, result }),
  (e: unknown) => parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) }),
);
