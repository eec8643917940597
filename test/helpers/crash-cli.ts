import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { Rng } from '../../src/demo/random.js';
import type { Backend } from './stores.js';

// Crash tests of real Haven processes: a seeded choice of when to SIGKILL, the environment that points a CLI child at
// a test backend, and a proxy that holds one request back so a kill lands while it is out.

/** The seeded sequence a crash scenario draws its kill moments from (the demo world's PRNG). */
export type Prng = Rng;

/** CRASH_SEED when set (to replay a failure), otherwise a fresh random seed. */
export function crashSeed(): number {
  const fromEnv = process.env.CRASH_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n)) throw new Error(`CRASH_SEED must be a whole number, not ${fromEnv}`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** Runs a crash scenario with a seeded PRNG; a failure names the seed that replays it (CRASH_SEED=...). */
export async function withCrashSeed(t: TestContext, fn: (rng: Prng, seed: number) => Promise<void>): Promise<void> {
  const seed = crashSeed();
  t.diagnostic(`CRASH_SEED=${seed}`);
  try {
    await fn(new Rng(seed), seed);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `[replay with CRASH_SEED=${seed}] ${err.message}`;
    process.stderr.write(`crash test failed; replay with CRASH_SEED=${seed}\n`);
    throw err;
  }
}

/** The environment a CLI child needs to use the test backend: its data directory, database and media key. */
export function backendEnv(backend: Backend): Record<string, string | undefined> {
  const c = backend.config;
  return { HAVEN_DATA_DIR: c.dataDir, HAVEN_DATABASE_URL: c.databaseUrl, HAVEN_MASTER_KEY: c.masterKey, HAVEN_DEMO: 'false' };
}

export interface ProxiedCall {
  path: string;
  /** When the request body had fully arrived (Date.now()). */
  at: number;
}

/**
 * An HTTP proxy in front of a service. `holdNext(path, nth, ms, onHeld)` holds the nth request to `path` (counted from
 * now) for `ms` before passing it on; `onHeld` runs when it arrives, so a test can kill the caller while it waits.
 * A held request is passed on even after its caller died, as a real service goes on with a request it has received.
 */
export async function startHoldingProxy(target: string) {
  const calls: ProxiedCall[] = [];
  let hold: { path: string; remaining: number; ms: number; onHeld: () => void } | null = null;

  async function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    calls.push({ path, at: Date.now() });
    if (hold && hold.path === path && --hold.remaining === 0) {
      const h = hold;
      hold = null;
      h.onHeld();
      await new Promise((r) => setTimeout(r, h.ms));
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const upstream = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET', headers, ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: new Uint8Array(body) }),
    });
    const text = Buffer.from(await upstream.arrayBuffer());
    if (!res.destroyed) res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' }).end(text);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      forward(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        if (!res.destroyed) res.writeHead(502).end(String(e));
      });
    });
    // The caller may be killed while its request is held: that must not take the proxy down.
    req.on('error', () => {});
    res.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    holdNext(path: string, nth: number, ms: number, onHeld: () => void) {
      hold = { path, remaining: nth, ms, onHeld };
    },
    /** Stops holding (when the held request never came). */
    clearHold() {
      hold = null;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}


/**
 * How far process `pid` has read the file at `path` (its open descriptor's offset, from /proc): null while it does
 * not have it open. Linux only; elsewhere always null.
 */
export function fileReadOffset(pid: number, path: string): number | null {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== path) continue;
      const pos = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').match(/^pos:\s+(\d+)/m)?.[1];
      if (pos !== undefined) return Number(pos);
    } catch {
      // The descriptor closed while being read.
    }
  }
  return null;
}
