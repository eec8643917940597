// Haven's logger redacts credentials wherever they appear in a logged object, and writes to HAVEN_LOG_FILE.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { randomToken } from '../src/auth/credentials.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';

test('credentials in logged requests, bodies and settings are redacted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'nested', 'haven.log');
  const log = createLogger('info', file);
  const key = randomToken('hvk_');
  const session = randomToken('hvs_');
  log.info({ req: { method: 'GET', url: '/v1/items', headers: { authorization: `Bearer ${key}`, cookie: `haven_session=${session}`, 'x-csrf-token': 'csrf-value-123' } } }, 'request');
  log.info({ body: { email: 'a@b.test', password: 'hunter2-hunter2' } }, 'login body');
  log.info({ ncmec: { user: 'u', password: 'ncmec-pass-1234' }, webhook: { url: 'http://x', secret: 'webhook-secret-1234' } }, 'settings');
  log.info({ user: { csrfToken: 'csrf-value-456' }, token: session }, 'session');
  const text = readFileSync(file, 'utf8');
  for (const secret of [key, session, 'csrf-value-123', 'hunter2-hunter2', 'ncmec-pass-1234', 'webhook-secret-1234', 'csrf-value-456']) {
    assert.ok(!text.includes(secret), `${secret.slice(0, 6)}… must not be logged`);
  }
  assert.equal(text.trim().split('\n').length, 4, 'every line was still written');
  assert.match(text, /"url":"\/v1\/items"/, 'what is not secret stays readable');
  assert.match(text, /"email":"a@b.test"/);
  assert.equal(text.match(/\[redacted\]/g)?.length, 8);
});

test('HAVEN_LOG_FILE is read from the environment', () => {
  assert.equal(loadConfig({ HAVEN_LOG_FILE: '/var/log/haven.log' }).logFile, '/var/log/haven.log');
  assert.equal(loadConfig({}).logFile, undefined);
});
