#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (a quoted glob would find none on Node 20), shows the
// spec report, and ends with the plain "N passed, N failed" line that CI reads.
//
// A full run (no file arguments) also collects every log line Haven writes into a temporary directory
// (HAVEN_TEST_LOG_DIR, read by test/helpers/logging.ts) and then runs test/log-secrets.after-suite.ts over them.
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
const full = only.length === 0;
const files = full ? find('test').sort() : only;
const dir = mkdtempSync(join(tmpdir(), 'haven-tap-'));
const logDir = full && !process.env.HAVEN_TEST_LOG_DIR ? mkdtempSync(join(tmpdir(), 'haven-test-logs-')) : process.env.HAVEN_TEST_LOG_DIR;
const env = logDir ? { ...process.env, HAVEN_TEST_LOG_DIR: logDir } : process.env;

function run(testFiles, tap) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...testFiles],
    { stdio: 'inherit', env },
  );
}

const taps = [join(dir, 'suite.tap')];
let status = run(files, taps[0]).status ?? 1;
if (full) {
  taps.push(join(dir, 'after-suite.tap'));
  const after = run(['test/log-secrets.after-suite.ts'], taps[1]).status ?? 1;
  if (status === 0) status = after;
}
const count = (name) =>
  taps.reduce((sum, tap) => sum + Number(readFileSync(tap, 'utf8').match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0), 0);
try {
  console.log(`\ntests: ${count('pass')} passed, ${count('fail') + count('cancelled')} failed, ${count('skipped')} skipped`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (logDir && logDir !== process.env.HAVEN_TEST_LOG_DIR && !process.env.KEEP_TEST_LOGS) rmSync(logDir, { recursive: true, force: true });
}
process.exit(status);
