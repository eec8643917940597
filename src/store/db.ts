import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery, PostgresAdapter, type DatabaseConnection, Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect,
  SqliteDialect, SqliteDriver, type Transaction,
} from 'kysely';
import pg from 'pg';
import { spineMigration } from './migrations/001-spine.js';
import { mediaHashingMigration } from './migrations/002-media-hashing.js';
import { bankImportMigration } from './migrations/003-bank-import.js';
import { conversationsMigration } from './migrations/004-conversations.js';
import { modelsMigration } from './migrations/005-models.js';
import { llmMigration } from './migrations/006-llm.js';
import { evaluationMigration } from './migrations/007-evaluation.js';
import { evidenceMigration } from './migrations/008-evidence.js';
import { ncmecMigration } from './migrations/009-ncmec.js';
import { appealsMigration } from './migrations/010-appeals.js';
import { reviewClaimsMigration } from './migrations/011-review-claims.js';
import { reviewOpsMigration } from './migrations/012-review-ops.js';
import { investigationsMigration } from './migrations/013-investigations.js';
import { analyticsMigration } from './migrations/014-analytics.js';
import { scaleOutMigration } from './migrations/015-scale-out.js';
import { bankChangesMigration } from './migrations/016-bank-changes.js';
import { loginThrottleMigration } from './migrations/017-login-throttle.js';
import { crashOpsMigration } from './migrations/018-crash-ops.js';
import { sessionIdleMigration } from './migrations/019-session-idle.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Anything that runs queries: the database or an open transaction. Repositories take this. */
export type Queryable = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Where the data lives, for logs: a file path or the Postgres URL without credentials. */
  location: string;
  close(): Promise<void>;
}

// Postgres returns bigint (epoch ms) as strings by default; every bigint Haven stores fits a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** SQLite transactions take the write lock up front, so two processes never deadlock upgrading a read lock. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(cfg);
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.cfg);
  }
}

export function openSqlite(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
}

export function openPostgres(url: string, poolSize = 10): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server drops (a restart, a failover, an administrator) is replaced on next use; without
  // a listener node-postgres would throw it as an uncaught exception and take the process down.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

export function openStore(opts: { databaseUrl?: string | undefined; sqlitePath: string }): Store {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openSqlite(opts.sqlitePath);
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-spine': spineMigration(dialect),
    '002-media-hashing': mediaHashingMigration(dialect),
    '003-bank-import': bankImportMigration(dialect),
    '004-conversations': conversationsMigration(dialect),
    '005-models': modelsMigration(dialect),
    '006-llm': llmMigration(dialect),
    '007-evaluation': evaluationMigration(dialect),
    '008-evidence': evidenceMigration(dialect),
    '009-ncmec': ncmecMigration(dialect),
    '010-appeals': appealsMigration(dialect),
    '011-review-claims': reviewClaimsMigration(dialect),
    '012-review-ops': reviewOpsMigration(dialect),
    '013-investigations': investigationsMigration(dialect),
    '014-analytics': analyticsMigration(dialect),
    '015-scale-out': scaleOutMigration(dialect),
    '016-bank-changes': bankChangesMigration(dialect),
    '017-login-throttle': loginThrottleMigration(dialect),
    '018-crash-ops': crashOpsMigration(dialect),
    '019-session-idle': sessionIdleMigration(dialect),
  };
}

export async function migrate(store: Store): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(store.dialect) };
  const migrator = new Migrator({ db: store.db, provider, migrationTableName: 'haven_migrations', migrationLockTableName: 'haven_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Decodes a JSON column: Postgres jsonb arrives parsed, SQLite text arrives as a string. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function isPostgres(q: Queryable): boolean {
  return q.getExecutor().adapter instanceof PostgresAdapter;
}

/** JSON with object keys sorted, so a hash over it does not depend on how a database stored the keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
