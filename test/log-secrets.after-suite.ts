// Runs after the whole suite (scripts/test.js), over every log line Haven wrote during it, in-process and in child
// processes, at debug level with request logging on: no API key, session token, password or secret the tests used
// may appear in any of them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { randomToken } from '../src/auth/credentials.js';
import { scanLogs, secretsInTestSources } from './helpers/log-scan.js';

const dir = process.env.HAVEN_TEST_LOG_DIR;
const literals = secretsInTestSources(new URL('.', import.meta.url).pathname);

test('the scanner finds a planted key, token and password (so the real scan can fail)', async (t) => {
  const planted = mkdtempSync(join(tmpdir(), 'haven-logscan-'));
  t.after(() => rmSync(planted, { recursive: true, force: true }));
  writeFileSync(join(planted, 'a.log'), `{"msg":"ok"}\n{"msg":"leak ${randomToken('hvk_')}"}\n{"h":"${randomToken('hvs_')}"}\n{"p":"${literals[0]}"}\n`);
  const r = await scanLogs(planted, literals);
  assert.deepEqual(r.findings.map((f) => [f.line, f.what.split(' ')[0]]), [[2, 'API'], [3, 'session'], [4, 'the']]);
  assert.ok(literals.includes('correct-horse-battery'), 'the shared test password is among the literals searched for');
});

test('no secret the tests used appears in the logs of the full run', { skip: dir ? false : 'HAVEN_TEST_LOG_DIR is not set: run the whole suite with npm test' }, async () => {
  const r = await scanLogs(dir as string, literals);
  // The scan must have had something to read: request lines from the API tests and child processes' logs.
  assert.ok(r.files >= 20, `only ${r.files} log files were collected`);
  assert.ok(r.lines >= 5_000, `only ${r.lines} log lines were collected`);
  console.log(`scanned ${r.files} log files, ${r.lines} lines, ${(r.bytes / 1e6).toFixed(1)} MB for ${literals.length} literals and 2 credential shapes`);
  assert.deepEqual(r.findings, [], `secrets in logs:\n${r.findings.map((f) => `${f.file}:${f.line} ${f.what}`).join('\n')}`);
});
