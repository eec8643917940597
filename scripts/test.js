#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (a quoted glob would find none on Node 20), shows the
// spec report, and ends with the plain "N passed, N failed" line that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : find('test').sort();
const dir = mkdtempSync(join(tmpdir(), 'haven-tap-'));
const tap = join(dir, 'report.tap');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { stdio: 'inherit' },
);
const count = (name) => Number(readFileSync(tap, 'utf8').match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
try {
  console.log(`\ntests: ${count('pass')} passed, ${count('fail') + count('cancelled')} failed, ${count('skipped')} skipped`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(result.status ?? 1);
