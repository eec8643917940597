import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type LlmConfig, loadLlmConfig } from './detectors/llm/config.js';
import { PROMPT_FORMATS, type PromptFormat } from './detectors/llm/policy/template.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting Haven reads from its environment, validated once at start. */
const envSchema = z.object({
  HAVEN_DATA_DIR: z.string().min(1).default('./data'),
  HAVEN_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'HAVEN_DATABASE_URL must be a postgres:// URL').optional(),
  /** Distributed mode (with HAVEN_DATABASE_URL): items flow to workers through a NATS JetStream work queue. */
  HAVEN_NATS_URL: z.string().regex(/^(nats|tls):\/\/[^\s]+$/, 'HAVEN_NATS_URL must be a nats:// or tls:// URL').optional(),
  /** Prefix of the stream, consumer and subject names, so deployments (or test runs) can share one NATS. */
  HAVEN_NATS_PREFIX: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'HAVEN_NATS_PREFIX must be lower-case letters, digits, _ or -, starting with a letter').default('haven'),
  HAVEN_HOST: z.string().min(1).default('127.0.0.1'),
  HAVEN_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HAVEN_WEBHOOK_URL: z.url().optional(),
  HAVEN_WEBHOOK_SECRET: z.string().min(16, 'HAVEN_WEBHOOK_SECRET must be at least 16 characters').optional(),
  HAVEN_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'HAVEN_MASTER_KEY must be 32 bytes, base64-encoded')
    .optional(),
  HAVEN_HASH_ONLY: bool.default(false),
  HAVEN_MAX_BODY_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  HAVEN_MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(50_000_000),
  HAVEN_DEMO: bool.default(true),
  /** Session cookies marked Secure (and named with the __Host- prefix). Unset: on unless bound to a loopback address. */
  HAVEN_SECURE_COOKIES: bool.optional(),
  /** Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs), so limits see clients. */
  HAVEN_TRUST_PROXY: z.string().regex(/^[0-9a-fA-F:.,/\s]+$/, 'HAVEN_TRUST_PROXY must be comma-separated IP addresses or CIDR ranges').optional(),
  /** Requests per minute per person (session) and per anonymous address. */
  HAVEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /** Requests per minute per API key (platform clients ingest through these, so the budget is larger). */
  HAVEN_API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(12_000),
  /** A session unused for this long ends (it also ends 12 hours after login, used or not). */
  HAVEN_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(720).default(60),
  /** Failed logins per email (and, times four, per address) within 15 minutes before further attempts wait. */
  HAVEN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Ingest answers 429 with Retry-After while more items than this wait for processing. */
  HAVEN_MAX_BACKLOG: z.coerce.number().int().min(1).default(200_000),
  HAVEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Append the JSON log lines to this file instead of writing them to stdout. */
  HAVEN_LOG_FILE: z.string().min(1).optional(),
  HAVEN_WORKER_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  /** How long a worker holds a job or a delivery before another may take it over (its holder presumed dead). */
  HAVEN_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** How the LLM is prompted: a structured JSON verdict, or Llama Guard's safe/unsafe codes. */
  HAVEN_LLM_PROMPT_FORMAT: z.enum(PROMPT_FORMATS).default('structured'),
  /** Media and evidence snapshots older than this, under no active hold, are deleted by the retention job. */
  HAVEN_MEDIA_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  /** How often the background retention job runs (it also runs via `haven evidence retention`). */
  HAVEN_RETENTION_INTERVAL_MS: z.coerce.number().int().min(60_000).default(24 * 3_600_000),
  /** NCMEC's reporting web service (its test or production endpoint); unset, approved reports wait unsent. */
  HAVEN_NCMEC_URL: z.url().optional(),
  HAVEN_NCMEC_USER: z.string().min(1).optional(),
  /** The name of the environment variable that holds the password (the password itself stays out of this file). */
  HAVEN_NCMEC_PASSWORD_ENV: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'HAVEN_NCMEC_PASSWORD_ENV must name an environment variable').optional(),
  /** Share of a report's retained files a person must have opened before legal may approve it. */
  HAVEN_NCMEC_MIN_REVIEWED: z.coerce.number().min(0).max(1).default(1),
  /** The reporter stated on every report: the platform's name and the contact NCMEC may call on. */
  HAVEN_NCMEC_PLATFORM: z.string().min(1).optional(),
  HAVEN_NCMEC_REPORTER_EMAIL: z.email('HAVEN_NCMEC_REPORTER_EMAIL must be an email address').optional(),
});

export interface HavenConfig {
  dataDir: string;
  sqlitePath: string;
  databaseUrl: string | undefined;
  /** NATS for distributed mode; undefined runs workers off the jobs table (embedded mode). */
  natsUrl: string | undefined;
  natsPrefix: string;
  host: string;
  port: number;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  masterKey: string | undefined;
  hashOnly: boolean;
  maxBodyBytes: number;
  maxImagePixels: number;
  demo: boolean;
  secureCookies: boolean;
  /** Addresses of trusted reverse proxies; empty trusts none (the socket's address is the client's). */
  trustProxy: string[];
  rateLimitPerMinute: number;
  apiKeyRateLimitPerMinute: number;
  loginMaxFailures: number;
  sessionIdleMs: number;
  maxBacklog: number;
  logLevel: string;
  logFile: string | undefined;
  workerBatch: number;
  leaseMs: number;
  /** The LLM provider (HAVEN_LLM_* variables); null runs Haven without one. */
  llm: LlmConfig | null;
  llmPromptFormat: PromptFormat;
  mediaRetentionDays: number;
  retentionIntervalMs: number;
  ncmec: NcmecConfig;
}

export interface NcmecConfig {
  /** Null when no endpoint (or no credentials) are configured: approved jobs then wait. */
  endpoint: { url: string; user: string; password: string } | null;
  minReviewed: number;
  platform: string | null;
  reporterEmail: string | null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HavenConfig> = {}): HavenConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = resolve(overrides.dataDir ?? e.HAVEN_DATA_DIR);
  return {
    dataDir,
    sqlitePath: join(dataDir, 'haven.db'),
    databaseUrl: e.HAVEN_DATABASE_URL,
    natsUrl: e.HAVEN_NATS_URL,
    natsPrefix: e.HAVEN_NATS_PREFIX,
    host: e.HAVEN_HOST,
    port: e.HAVEN_PORT,
    webhookUrl: e.HAVEN_WEBHOOK_URL,
    webhookSecret: e.HAVEN_WEBHOOK_SECRET,
    masterKey: e.HAVEN_MASTER_KEY,
    hashOnly: e.HAVEN_HASH_ONLY,
    maxBodyBytes: e.HAVEN_MAX_BODY_BYTES,
    maxImagePixels: e.HAVEN_MAX_IMAGE_PIXELS,
    demo: e.HAVEN_DEMO,
    secureCookies: e.HAVEN_SECURE_COOKIES ?? !isLoopback(e.HAVEN_HOST),
    trustProxy: (e.HAVEN_TRUST_PROXY ?? '').split(',').map((a) => a.trim()).filter((a) => a.length > 0),
    rateLimitPerMinute: e.HAVEN_RATE_LIMIT_PER_MINUTE,
    apiKeyRateLimitPerMinute: e.HAVEN_API_KEY_RATE_LIMIT_PER_MINUTE,
    loginMaxFailures: e.HAVEN_LOGIN_MAX_FAILURES,
    sessionIdleMs: e.HAVEN_SESSION_IDLE_MINUTES * 60_000,
    maxBacklog: e.HAVEN_MAX_BACKLOG,
    logLevel: e.HAVEN_LOG_LEVEL,
    logFile: e.HAVEN_LOG_FILE,
    workerBatch: e.HAVEN_WORKER_BATCH,
    leaseMs: e.HAVEN_LEASE_MS,
    llm: loadLlmConfig(env),
    llmPromptFormat: e.HAVEN_LLM_PROMPT_FORMAT,
    mediaRetentionDays: e.HAVEN_MEDIA_RETENTION_DAYS,
    retentionIntervalMs: e.HAVEN_RETENTION_INTERVAL_MS,
    ncmec: ncmecConfig(e, env),
    ...overrides,
  };
}

function ncmecConfig(e: z.infer<typeof envSchema>, env: NodeJS.ProcessEnv): NcmecConfig {
  let endpoint: NcmecConfig['endpoint'] = null;
  if (e.HAVEN_NCMEC_URL) {
    if (!e.HAVEN_NCMEC_USER || !e.HAVEN_NCMEC_PASSWORD_ENV) {
      throw new Error('invalid configuration: HAVEN_NCMEC_URL needs HAVEN_NCMEC_USER and HAVEN_NCMEC_PASSWORD_ENV');
    }
    const password = env[e.HAVEN_NCMEC_PASSWORD_ENV];
    if (!password) throw new Error(`invalid configuration: ${e.HAVEN_NCMEC_PASSWORD_ENV} (named by HAVEN_NCMEC_PASSWORD_ENV) is empty`);
    endpoint = { url: e.HAVEN_NCMEC_URL.replace(/\/+$/, ''), user: e.HAVEN_NCMEC_USER, password };
  }
  return {
    endpoint,
    minReviewed: e.HAVEN_NCMEC_MIN_REVIEWED,
    platform: e.HAVEN_NCMEC_PLATFORM ?? null,
    reporterEmail: e.HAVEN_NCMEC_REPORTER_EMAIL ?? null,
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
