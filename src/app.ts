import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AuthService } from './auth/service.js';
import { type BankChangeFeed, LocalBankChangeFeed } from './banks/change-feed.js';
import { BankService } from './banks/service.js';
import type { HavenConfig } from './config.js';
import { createLogger } from './logging.js';
import { ConfigService } from './configuration/service.js';
import { type Clock, systemClock } from './core/clock.js';
import { type KeyProvider, LocalKeyProvider } from './enforcement/media-vault.js';
import { WebhookOutbox } from './enforcement/outbox.js';
import { IngestGate, jobsTableBacklog, streamBacklog } from './pipeline/backlog.js';
import { Ingestor } from './pipeline/ingest.js';
import { LlmStage } from './pipeline/llm-stage.js';
import { ensureDefaultConfig } from './pipeline/runtime.js';
import { StreamDispatch } from './pipeline/transport/dispatch.js';
import { NatsBankChangeFeed, NatsLink } from './pipeline/transport/nats.js';
import { PipelineWorker } from './pipeline/worker.js';
import { migrate, openStore, type Store } from './store/db.js';
import { HAVEN_VERSION } from './version.js';

export interface Haven {
  config: HavenConfig;
  store: Store;
  clock: Clock;
  logger: Logger;
  keys: KeyProvider | null;
  ingestor: Ingestor;
  /** Admission control for ingest over the API: refuses new items while the processing backlog is full. */
  admission: IngestGate;
  worker: PipelineWorker;
  /** Null until a webhook is configured; platform actions then wait in the outbox. */
  outbox: WebhookOutbox | null;
  auth: AuthService;
  banks: BankService;
  configs: ConfigService;
  /** The configured LLM; null when HAVEN_LLM_PROVIDER is unset. */
  llm: LlmStage | null;
  /** Distributed mode's NATS link (work stream and bank notices); null in embedded mode. */
  nats: NatsLink | null;
  /** Where bank changes are announced to hash-index replicas (NATS in distributed mode, in memory otherwise). */
  bankChanges: BankChangeFeed;
  close(): Promise<void>;
}

export interface OpenOptions {
  logger?: Logger;
  clock?: Clock;
  /** Overrides the webhook target (used by `haven serve` to point the demo at its own receiver). */
  webhook?: { url: string; secret: string } | undefined;
}

/** Opens the store, brings the schema and default configuration up to date, and wires the services. */
export async function openHaven(config: HavenConfig, opts: OpenOptions = {}): Promise<Haven> {
  const logger = opts.logger ?? createLogger(config.logLevel, config.logFile);
  const clock = opts.clock ?? systemClock;
  const store = openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
  try {
    await migrate(store);
    await ensureDefaultConfig(store.db, clock.now());
  } catch (e) {
    await store.close();
    throw e;
  }
  const keys = config.hashOnly ? null : loadKeys(config);
  const webhook = opts.webhook ?? (config.webhookUrl && config.webhookSecret ? { url: config.webhookUrl, secret: config.webhookSecret } : undefined);
  if (config.webhookUrl && !config.webhookSecret) throw new Error('HAVEN_WEBHOOK_URL is set but HAVEN_WEBHOOK_SECRET is not');
  const llm = config.llm ? new LlmStage(store.db, keys, config.llm, config.llmPromptFormat) : null;
  let nats: NatsLink | null = null;
  if (config.natsUrl) {
    if (!config.databaseUrl) {
      await store.close();
      throw new Error('HAVEN_NATS_URL needs HAVEN_DATABASE_URL: distributed processes must share a Postgres database');
    }
    try {
      nats = await NatsLink.open({ url: config.natsUrl, prefix: config.natsPrefix, ackWaitMs: config.leaseMs }, logger);
    } catch (e) {
      await store.close();
      throw new Error(`cannot reach NATS at ${config.natsUrl}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const bankChanges: BankChangeFeed = nats ? new NatsBankChangeFeed(nats, logger) : new LocalBankChangeFeed();
  const dispatch = nats ? new StreamDispatch(nats, store, clock, logger) : null;
  return {
    config,
    store,
    clock,
    logger,
    keys,
    ingestor: new Ingestor(store, { maxImagePixels: config.maxImagePixels, hashOnly: config.hashOnly, keys, clock, version: HAVEN_VERSION, dispatch }),
    admission: new IngestGate(nats ? streamBacklog(nats, jobsTableBacklog(store.db)) : jobsTableBacklog(store.db), config.maxBacklog),
    worker: new PipelineWorker(store, { batchSize: config.workerBatch, leaseMs: config.leaseMs, maxAttempts: 5, clock, logger, llm, keys }),
    outbox: webhook ? new WebhookOutbox(store, { ...webhook, clock, logger, leaseMs: config.leaseMs }) : null,
    auth: new AuthService(store, clock, { loginMaxFailures: config.loginMaxFailures, sessionIdleMs: config.sessionIdleMs }),
    banks: new BankService(store, clock, { changes: bankChanges }),
    configs: new ConfigService(store, clock),
    llm,
    nats,
    bankChanges,
    close: async () => {
      await nats?.close();
      await store.close();
    },
  };
}

/**
 * The media master key: HAVEN_MASTER_KEY when set (required for Postgres deployments, where several hosts must
 * share it); otherwise a key generated once into the data directory, readable by its owner only.
 */
function loadKeys(config: HavenConfig): KeyProvider {
  if (config.masterKey) return new LocalKeyProvider(Buffer.from(config.masterKey, 'base64'));
  if (config.databaseUrl) throw new Error('HAVEN_MASTER_KEY is required with HAVEN_DATABASE_URL (or set HAVEN_HASH_ONLY=true)');
  const path = join(config.dataDir, 'master.key');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return new LocalKeyProvider(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'));
}

/** Reads or creates a random secret kept in the data directory (e.g. the demo webhook's signing secret). */
export function localSecret(config: HavenConfig, name: string): string {
  const path = join(config.dataDir, name);
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}
