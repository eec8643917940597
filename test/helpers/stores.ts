import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { loadConfig, type HavenConfig } from '../../src/config.js';
import { TEST_LOG_LEVEL } from './logging.js';

export const ADMIN_PG_URL = process.env.HAVEN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CI = process.env.CI === 'true';

let pgReachable: Promise<boolean> | null = null;
function postgresReachable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const c = new pg.Client({ connectionString: ADMIN_PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      return false;
    }
  })();
  return pgReachable;
}

/** A fresh, empty Postgres database for one test; dropped afterwards. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `haven_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: ADMIN_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: ADMIN_PG_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  config: HavenConfig;
  cleanup(): Promise<void>;
}

/** A configuration pointing at a fresh database of the given kind, in a temporary data directory. */
export async function makeBackend(name: 'sqlite' | 'postgres', overrides: Partial<HavenConfig> = {}): Promise<Backend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'haven-test-'));
  const masterKey = Buffer.alloc(32, 7).toString('base64');
  if (name === 'sqlite') {
    const config = loadConfig({ HAVEN_LOG_LEVEL: TEST_LOG_LEVEL }, { dataDir, sqlitePath: join(dataDir, 'haven.db'), masterKey, ...overrides });
    return { name, config, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const db = await freshPostgresDatabase();
  const config = loadConfig({ HAVEN_LOG_LEVEL: TEST_LOG_LEVEL }, { dataDir, databaseUrl: db.url, masterKey, ...overrides });
  return {
    name, config,
    cleanup: async () => {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn` once per storage backend as subtests. Postgres runs when reachable, and must be reachable under CI=true:
 * there a missing Postgres fails the test instead of skipping it.
 */
export async function forEachBackend(
  t: TestContext,
  fn: (backend: Backend, t: TestContext) => Promise<void>,
  overrides: Partial<HavenConfig> = {},
): Promise<void> {
  for (const name of ['sqlite', 'postgres'] as const) {
    await t.test(name, async (st) => {
      if (name === 'postgres' && !(await postgresReachable())) {
        if (CI) throw new Error(`Postgres is required under CI=true but ${ADMIN_PG_URL} is not reachable`);
        st.skip(`Postgres not reachable at ${ADMIN_PG_URL}`);
        return;
      }
      const backend = await makeBackend(name, overrides);
      try {
        await fn(backend, st);
      } finally {
        await backend.cleanup();
      }
    });
  }
}

/**
 * A fresh Postgres backend, cleaned up when the test ends; or null after marking the test skipped when Postgres
 * cannot be reached (under CI=true that fails the test instead).
 */
export async function postgresBackendOrSkip(t: TestContext, overrides: Partial<HavenConfig> = {}): Promise<Backend | null> {
  if (!(await postgresReachable())) {
    if (CI) throw new Error(`Postgres is required under CI=true but ${ADMIN_PG_URL} is not reachable`);
    t.skip(`Postgres not reachable at ${ADMIN_PG_URL}`);
    return null;
  }
  const backend = await makeBackend('postgres', overrides);
  t.after(() => backend.cleanup());
  return backend;
}
