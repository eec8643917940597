import { fromJson, type Queryable, toJson } from '../db.js';

/** Kinds of versioned configuration. Every change is a new version with an author and a reason. */
export type ConfigKind = 'taxonomy' | 'policy' | 'rules' | 'conversation_risk' | 'behaviour' | 'cascade' | 'llm_policy'
  | 'review' | 'ops_targets';

export interface ConfigVersion<T> {
  kind: ConfigKind;
  version: number;
  document: T;
  author: string;
  reason: string;
  createdAt: number;
}

export async function latestConfig<T>(q: Queryable, kind: ConfigKind): Promise<ConfigVersion<T> | null> {
  const row = await q
    .selectFrom('config_versions')
    .selectAll()
    .where('kind', '=', kind)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toConfig<T>(row) : null;
}

export async function configVersion<T>(q: Queryable, kind: ConfigKind, version: number): Promise<ConfigVersion<T> | null> {
  const row = await q
    .selectFrom('config_versions')
    .selectAll()
    .where('kind', '=', kind)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? toConfig<T>(row) : null;
}

export async function listConfigVersions(q: Queryable, kind: ConfigKind): Promise<Omit<ConfigVersion<unknown>, 'document'>[]> {
  const rows = await q
    .selectFrom('config_versions')
    .select(['kind', 'version', 'author', 'reason', 'created_at'])
    .where('kind', '=', kind)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ kind: r.kind as ConfigKind, version: r.version, author: r.author, reason: r.reason, createdAt: r.created_at }));
}

/** Appends the next version. Call inside a transaction so two editors cannot take the same number. */
export async function saveConfigVersion<T>(
  q: Queryable,
  kind: ConfigKind,
  document: T,
  author: string,
  reason: string,
  now: number,
): Promise<ConfigVersion<T>> {
  const latest = await q
    .selectFrom('config_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('kind', '=', kind)
    .executeTakeFirst();
  const version = Number(latest?.v ?? 0) + 1;
  await q
    .insertInto('config_versions')
    .values({ kind, version, document: toJson(document), author, reason, created_at: now })
    .execute();
  return { kind, version, document, author, reason, createdAt: now };
}

function toConfig<T>(row: { kind: string; version: number; document: unknown; author: string; reason: string; created_at: number }): ConfigVersion<T> {
  return {
    kind: row.kind as ConfigKind,
    version: row.version,
    document: fromJson<T>(row.document),
    author: row.author,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

/** The newest version number of each named kind, in one query (kinds with no version are absent). */
export async function latestConfigVersions(q: Queryable, kinds: readonly ConfigKind[]): Promise<Map<ConfigKind, number>> {
  const rows = await q
    .selectFrom('config_versions')
    .select(['kind', (eb) => eb.fn.max('version').as('version')])
    .where('kind', 'in', [...kinds])
    .groupBy('kind')
    .execute();
  return new Map(rows.map((r) => [r.kind as ConfigKind, Number(r.version)]));
}

/**
 * The newest document of each kind, re-read only when its version moved: a worker checks before every batch with
 * one small query instead of reading every document.
 */
export class LatestConfigCache {
  private readonly held = new Map<ConfigKind, ConfigVersion<unknown>>();

  async read(q: Queryable, kinds: readonly ConfigKind[]): Promise<Map<ConfigKind, ConfigVersion<unknown>>> {
    const latest = await latestConfigVersions(q, kinds);
    await Promise.all([...latest].map(async ([kind, version]) => {
      if (this.held.get(kind)?.version === version) return;
      const doc = await configVersion<unknown>(q, kind, version);
      if (doc) this.held.set(kind, doc);
    }));
    const out = new Map<ConfigKind, ConfigVersion<unknown>>();
    for (const kind of kinds) {
      const doc = this.held.get(kind);
      if (doc && latest.has(kind)) out.set(kind, doc);
    }
    return out;
  }
}
