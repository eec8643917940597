import type { Command } from 'commander';
import { spikesQuerySchema, volumesQuerySchema } from '../../analytics/trends/params.js';
import { type SpikeAlert, spikes, volumes } from '../../analytics/trends/service.js';
import { withHaven } from '../context.js';

/** The `analytics` command group, shared with the other analytics areas: found when already registered. */
function analyticsGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'analytics') ?? program.command('analytics').description('analytics over what Haven recorded');
}

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

/** Zod's first problem, named the way the CLI option is spelled. */
function parseOrExit<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new Error(`--${String(issue?.path[0] ?? 'option')}: ${issue?.message ?? 'invalid'}`);
}

function renderAlert(a: SpikeAlert): string {
  const base = a.baseline.points.map((p) => p.count).join(', ');
  return `${a.label}: ${a.value} in the ${a.bucket} from ${iso(a.at)} vs median ${a.baseline.median} (${a.baseline.method}: ${base}); ` +
    `score ${a.score}\n  items: ${a.items.join(' ')}\n`;
}

/** `haven analytics trends|spikes`: the same answers as GET /v1/analytics/volumes and /v1/analytics/spikes. */
export function analyticsTrendsCommands(program: Command): void {
  const analytics = analyticsGroup(program);

  analytics
    .command('trends')
    .description('volumes per day or hour of items, signals, decisions, actions or reports, by category, surface, detector...')
    .option('--metric <metric>', 'items, signals, decisions, actions or reports', 'signals')
    .option('--by <dims>', 'comma-separated dimensions, e.g. category,surface')
    .option('--bucket <bucket>', 'day or hour', 'day')
    .option('--since <window>', 'window length, e.g. 48h, 30d', '30d')
    .option('--until <time>', 'end of the window, ISO 8601 (default: now)')
    .option('--json', 'print the answer as JSON (the same as GET /v1/analytics/volumes)')
    .action(async (o: { metric: string; by?: string; bucket: string; since: string; until?: string; json?: boolean }) => {
      const q = parseOrExit(volumesQuerySchema, { metric: o.metric, by: o.by, bucket: o.bucket, since: o.since, until: o.until });
      await withHaven(async (haven) => {
        const v = await volumes(haven.store.db, q, haven.clock.now());
        if (o.json) {
          process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
          return;
        }
        const fmt = q.bucket === 'day' ? (ms: number) => iso(ms).slice(0, 10) : iso;
        process.stdout.write(`${v.metric} per ${v.bucket}${v.by.length ? ` by ${v.by.join(', ')}` : ''}, ${iso(v.from)} to ${iso(v.to)}\n`);
        for (const p of v.points) {
          const key = v.by.map((d) => p.key[d]).join(' / ');
          process.stdout.write(`${fmt(p.at)}  ${String(p.count).padStart(8)}  ${key}\n`);
        }
      });
    });

  analytics
    .command('spikes')
    .description('slices whose last complete day or hour stands out against the same bucket in previous weeks (or days)')
    .option('--bucket <bucket>', 'day or hour', 'day')
    .option('--until <time>', 'end of the bucket under test, ISO 8601 (default: now)')
    .option('--weeks <n>', 'weeks of seasonal baseline', '4')
    .option('--min-count <n>', 'least count in the bucket to alert on', '5')
    .option('--threshold <z>', 'robust z-score to alert at', '3.5')
    .option('--json', 'print the answer as JSON (the same as GET /v1/analytics/spikes)')
    .action(async (o: { bucket: string; until?: string; weeks: string; minCount: string; threshold: string; json?: boolean }) => {
      const q = parseOrExit(spikesQuerySchema, { bucket: o.bucket, until: o.until, weeks: o.weeks, minCount: o.minCount, threshold: o.threshold });
      await withHaven(async (haven) => {
        const s = await spikes(haven.store.db, q, haven.clock.now());
        if (o.json) {
          process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
          return;
        }
        process.stdout.write(`spikes in the ${s.bucket} from ${iso(s.at)} (${s.method}): ${s.alerts.length}\n`);
        for (const a of s.alerts) process.stdout.write(renderAlert(a));
      });
    });
}
