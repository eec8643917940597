/**
 * Bench runner: `npm run bench` runs every scenario, `npm run bench -- ingest` only the named ones.
 *   --items N   override each scenario's default size (for quick local runs)
 *   --json      print one JSON document instead of the text report
 *   --list      list the scenarios
 * Scenarios live in bench/scenarios/ and are registered in bench/scenarios/index.ts.
 */
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { groups, scenarios } from './scenarios/index.js';
import type { Scenario, ScenarioResult } from './types.js';

interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  /** 1-minute load average when the run started; other processes on the machine inflate wall-clock numbers. */
  loadAverage: number;
}

interface Outcome {
  scenario: string;
  description: string;
  ok: boolean;
  error?: string;
  wallSeconds: number;
  peakRssMiB: number;
  result?: ScenarioResult;
}

function machine(): Machine {
  const db = new SqliteDatabase(':memory:');
  const sqlite = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${arch()}`,
    node: process.version,
    sqlite,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

function parse(argv: string[]): { chosen: Scenario[]; items: number | undefined; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { items: { type: 'string' }, json: { type: 'boolean', default: false }, list: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help || values.list) {
    process.stdout.write('usage: npm run bench -- [scenario ...] [--items N] [--json]\n\nscenarios:\n');
    for (const s of scenarios) process.stdout.write(`  ${s.name.padEnd(14)} ${s.description}\n`);
    for (const [g, members] of Object.entries(groups)) process.stdout.write(`  ${g.padEnd(14)} runs ${members.join(', ')}\n`);
    process.exit(0);
  }
  let items: number | undefined;
  if (values.items !== undefined) {
    items = Number(values.items.replace(/_/g, ''));
    if (!Number.isInteger(items) || items < 1) throw new Error(`--items must be a positive integer, got ${values.items}`);
  }
  const names = positionals.flatMap((n) => groups[n] ?? [n]);
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const chosen = names.length === 0 ? [...scenarios] : scenarios.filter((s) => names.includes(s.name));
  return { chosen, items, json: values.json };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

function report(m: Machine, outcomes: Outcome[]): string {
  const out: string[] = [];
  out.push(`machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB RAM, ${m.os}, node ${m.node}, SQLite ${m.sqlite}`);
  const endLoad = loadavg()[0] ?? 0;
  out.push(`load average (1 min): ${m.loadAverage.toFixed(2)} at start, ${endLoad.toFixed(2)} at end`);
  if (Math.max(m.loadAverage, endLoad) > m.cores * 0.75) {
    out.push('WARNING: the machine was busy; wall-clock seconds are inflated by other processes, compare the cpu s column');
  }
  for (const o of outcomes) {
    out.push('', `== ${o.scenario}: ${o.description}`);
    if (!o.ok || !o.result) {
      out.push(`FAILED: ${o.error ?? 'no result'}`);
      continue;
    }
    const r = o.result;
    out.push(`params: ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const w = Math.max(5, ...r.phases.map((p) => p.label.length));
    out.push(`${'phase'.padEnd(w)}  ${'items'.padStart(10)}  ${'seconds'.padStart(9)}  ${'items/s'.padStart(10)}  ${'cpu s'.padStart(7)}`);
    for (const p of r.phases) {
      const rate = p.seconds > 0 ? p.items / p.seconds : Number.POSITIVE_INFINITY;
      const cpu = p.cpuSeconds === undefined ? '' : p.cpuSeconds.toFixed(2);
      out.push(`${p.label.padEnd(w)}  ${fmtInt(p.items).padStart(10)}  ${p.seconds.toFixed(2).padStart(9)}  ${fmtInt(rate).padStart(10)}  ${cpu.padStart(7)}`);
    }
    for (const ratio of r.ratios) out.push(`${ratio.label}: ${ratio.value.toFixed(2)}x`);
    out.push(`counts: ${Object.entries(r.counts).map(([k, v]) => `${k}=${fmtInt(v)}`).join(' ')}`);
    for (const n of r.notes) out.push(`note: ${n}`);
    out.push(`scenario wall time ${o.wallSeconds.toFixed(1)} s, peak RSS ${fmtInt(o.peakRssMiB)} MiB`);
  }
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { chosen, items, json } = parse(process.argv.slice(2));
  const m = machine();
  const outcomes: Outcome[] = [];
  for (const s of chosen) {
    const log = (msg: string) => process.stderr.write(`[${s.name}] ${msg}\n`);
    const started = performance.now();
    let outcome: Omit<Outcome, 'wallSeconds' | 'peakRssMiB'>;
    try {
      outcome = { scenario: s.name, description: s.description, ok: true, result: await s.run({ items, log }) };
    } catch (e) {
      // Keep going: one broken scenario should not hide the others' numbers, but the exit code says it failed.
      log(`FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      outcome = { scenario: s.name, description: s.description, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    // maxRSS is a process-wide high-water mark (KiB): for a later scenario it includes the earlier ones.
    outcomes.push({ ...outcome, wallSeconds: (performance.now() - started) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024 });
  }
  const rated = outcomes.map((o) => ({
    ...o,
    result: o.result && {
      ...o.result,
      phases: o.result.phases.map((p) => ({ ...p, itemsPerSecond: p.seconds > 0 ? p.items / p.seconds : null })),
    },
  }));
  process.stdout.write(json ? `${JSON.stringify({ at: new Date().toISOString(), machine: m, outcomes: rated }, null, 2)}\n` : report(m, outcomes));
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
