import type { Command } from 'commander';
import {
  banEvasionReport, DEFAULT_NETWORK_WINDOW, networkRanking, networkView, repeatOffenderReport,
} from '../../analytics/networks/load.js';
import { opsWindow } from '../../review/ops/window.js';
import { resolveAccountId } from '../../store/repos/analytics-networks.js';
import { withHaven } from '../context.js';

/** The `analytics` command group, shared with the other analytics areas: found when already registered. */
function analyticsGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'analytics') ?? program.command('analytics').description('analytics over what Haven recorded');
}

const LENGTH = 'hours or days, e.g. 24h, 7d, 30d (at most 90d)';
const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not "${v}"`);
  return n;
};
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** `haven analytics networks|repeat-offenders|ban-evasion`: the same answers as GET /v1/analytics/{networks,repeat-offenders,ban-evasion}. */
export function analyticsNetworksCommands(program: Command): void {
  const analytics = analyticsGroup(program);

  analytics
    .command('networks')
    .description('communities of linked accounts (shared banked media, minor-band targets, devices), ranked by risk with reasons')
    .option('--since <length>', `window length: ${LENGTH}`, DEFAULT_NETWORK_WINDOW)
    .option('--until <time>', 'end of the window, ISO 8601 (default: now)')
    .option('--limit <n>', 'how many communities', positive('--limit'), 10)
    .option('--community <id>', 'show one community as nodes and edges (JSON)')
    .option('--account <id>', 'show the community an account (Haven or platform id) is in, as nodes and edges (JSON)')
    .option('--json', 'print the ranking as JSON (the same as GET /v1/analytics/networks)')
    .action(async (o: { since: string; until?: string; limit: number; community?: string; account?: string; json?: boolean }) => {
      opsWindow({ since: o.since, until: o.until, now: Date.now() }); // a typo fails before the database is opened
      await withHaven(async (h) => {
        const window = opsWindow({ since: o.since, until: o.until, now: h.clock.now() });
        if (o.community !== undefined || o.account !== undefined) {
          const accountId = o.account === undefined ? undefined : await resolveAccountId(h.store.db, o.account);
          if (o.account !== undefined && !accountId) throw new Error(`no account ${o.account}`);
          const view = await networkView(h.store.db, window, o.community !== undefined ? { communityId: o.community } : { accountId: accountId as string });
          if (!view) throw new Error('no such community in this window');
          out(view);
          return;
        }
        const report = await networkRanking(h.store.db, window, { limit: o.limit });
        if (o.json) return out(report);
        const lines = [`networks ${report.window.from} .. ${report.window.to}: ${report.stats.nodes} linked accounts, ${report.stats.edges} links, ${report.stats.communities} communities${report.stats.truncated ? ' (graph capped)' : ''}`];
        for (const c of report.communities) {
          lines.push(`#${c.rank} ${c.id}  score ${c.score}  ${c.size} accounts`);
          for (const r of c.reasons) lines.push(`    ${r.summary}  (+${r.points})`);
        }
        if (report.communities.length === 0) lines.push('no communities in this window');
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });

  analytics
    .command('repeat-offenders')
    .description('repeat offenders: accounts with at least --min violating decisions in the window (JSON)')
    .option('--since <length>', `window length: ${LENGTH}`, DEFAULT_NETWORK_WINDOW)
    .option('--min <n>', 'violating decisions needed', positive('--min'), 3)
    .option('--limit <n>', 'how many accounts', positive('--limit'), 100)
    .action(async (o: { since: string; min: number; limit: number }) => {
      opsWindow({ since: o.since, now: Date.now() });
      await withHaven(async (h) => out(await repeatOffenderReport(h.store.db, opsWindow({ since: o.since, now: h.clock.now() }), o)));
    });

  analytics
    .command('ban-evasion')
    .description('likely ban evasion: new accounts linked to an account disabled before they were created (JSON)')
    .option('--since <length>', `window length: ${LENGTH}`, DEFAULT_NETWORK_WINDOW)
    .option('--limit <n>', 'how many accounts', positive('--limit'), 100)
    .action(async (o: { since: string; limit: number }) => {
      opsWindow({ since: o.since, now: Date.now() });
      await withHaven(async (h) => out(await banEvasionReport(h.store.db, opsWindow({ since: o.since, now: h.clock.now() }), o)));
    });
}
