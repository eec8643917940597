import type { Command } from 'commander';
import type { EmergingTermsResult } from '../../analytics/tactics/emerging-terms.js';
import type { HashEvasionReport } from '../../analytics/tactics/hash-evasion.js';
import type { TacticsReport } from '../../analytics/tactics/tactics-over-time.js';
import { sinceWindow, termWindows } from '../../analytics/tactics/windows.js';
import { loadEmergingTerms, loadHashEvasion, loadTactics } from '../../store/repos/analytics-tactics.js';
import { withHaven } from '../context.js';

/** The `analytics` command group, shared with the other analytics areas: found when already registered. */
function analyticsGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'analytics') ?? program.command('analytics').description('analytics over what Haven recorded');
}

const LENGTH = 'hours or days, e.g. 24h, 7d, 28d (at most 90d)';
const print = (json: boolean | undefined, value: unknown, text: () => string) =>
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());

/** `haven analytics tactics|terms|evasion`: the same answers as GET /v1/analytics/{tactics,emerging-terms,hash-evasion}. */
export function analyticsTacticsCommands(program: Command): void {
  const analytics = analyticsGroup(program);

  analytics
    .command('tactics')
    .description('obfuscation tactics the text normaliser undid, per day and category, and which are rising')
    .option('--since <length>', `window length: ${LENGTH}`, '28d')
    .option('--json', 'print the answer as JSON (the same as GET /v1/analytics/tactics)')
    .action(async (o: { since: string; json?: boolean }) => {
      sinceWindow(o.since, Date.now()); // a typo fails before the database is opened
      await withHaven(async (h) => {
        const report = await loadTactics(h.store.db, sinceWindow(o.since, h.clock.now()));
        print(o.json, report, () => renderTactics(report));
      });
    });

  analytics
    .command('terms')
    .description('emerging terms: n-grams of violating items growing faster in the recent window than in the baseline')
    .option('--since <length>', `recent window length: ${LENGTH}`, '7d')
    .option('--baseline <length>', `baseline window length, right before the recent one: ${LENGTH}`, '28d')
    .option('--json', 'print the answer as JSON (the same as GET /v1/analytics/emerging-terms)')
    .action(async (o: { since: string; baseline: string; json?: boolean }) => {
      termWindows(o.since, o.baseline, Date.now());
      await withHaven(async (h) => {
        const result = await loadEmergingTerms(h.store.db, termWindows(o.since, o.baseline, h.clock.now()));
        print(o.json, result, () => renderTerms(result));
      });
    });

  analytics
    .command('evasion')
    .description('hash evasion: near-miss PDQ variant families around banked entries, new ones and reviewer confirmations')
    .option('--since <length>', `window length: ${LENGTH}`, '7d')
    .option('--json', 'print the answer as JSON (the same as GET /v1/analytics/hash-evasion)')
    .action(async (o: { since: string; json?: boolean }) => {
      sinceWindow(o.since, Date.now());
      await withHaven(async (h) => {
        const report = await loadHashEvasion(h.store.db, sinceWindow(o.since, h.clock.now()));
        print(o.json, report, () => renderEvasion(report));
      });
    });
}

export function renderTactics(r: TacticsReport & { truncated?: boolean }): string {
  const lines = [`texts: ${r.texts} (${r.textsWithTactics} with a tactic undone)${r.truncated ? ', oldest left out (bound reached)' : ''}`];
  lines.push('tactic        items  recent  earlier  log-ratio  p-value   rising');
  for (const t of r.trends) {
    lines.push(`${t.tactic.padEnd(12)} ${String(t.items).padStart(6)} ${String(t.recent).padStart(7)} ${String(t.earlier).padStart(8)} ` +
      `${t.logRatio.toFixed(2).padStart(10)} ${t.pValue.toFixed(4).padStart(8)}   ${t.rising ? 'RISING' : ''}`);
  }
  if (r.byCategory.length > 0) {
    lines.push('', 'by category:');
    for (const c of r.byCategory) lines.push(`  ${c.category.padEnd(10)} ${c.tactic.padEnd(12)} ${c.items}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderTerms(r: EmergingTermsResult): string {
  const lines = [`violating documents: ${r.recentDocuments} recent, ${r.baselineDocuments} baseline`];
  if (r.terms.length === 0) lines.push('no emerging terms');
  for (const t of r.terms) {
    lines.push(`${t.term.padEnd(32)} recent ${String(t.recent).padStart(4)}  baseline ${String(t.baseline).padStart(4)}  ` +
      `log-ratio ${t.logRatio.toFixed(2)}  p ${t.pValue.toFixed(4)}  e.g. ${t.exampleItemIds.slice(0, 3).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderEvasion(r: HashEvasionReport): string {
  const lines = [`near misses: ${r.nearMisses}; families: ${r.families} (${r.newFamilies} new); items confirmed by reviewers: ${r.confirmedItems}`];
  for (const e of r.entries) {
    lines.push(`entry ${e.bankEntryId} (${e.bankName ?? 'bank'}, ${e.category}): ${e.nearMisses} near misses`);
    for (const f of e.families) {
      lines.push(`  family ${f.id}${f.isNew ? ' NEW' : ''}: ${f.itemIds.length} items, ${f.hashes.length} hashes, ` +
        `distance ${f.minDistance}-${f.maxDistance}, confirmed ${f.confirmedItems}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
