import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import Database from 'better-sqlite3';
import { PERMISSIONS } from '../../src/core/roles.js';
import { DEMO_USERS } from '../../src/demo/seed.js';
import { perceptualDemo } from '../../src/demo/perceptual.js';
import { plantAnalytics } from '../../src/demo/planted.js';
import { generateWorld } from '../../src/demo/world.js';
import { openSqlite } from '../../src/store/db.js';
import { auditHash } from '../../src/store/repos/audit.js';
import { type CliResult, runHaven, startHavenProcess, tempDir, waitFor } from '../helpers/cli.js';
import { patternPng } from '../helpers/images.js';

const PASSWORD = 'correct-horse-battery';

function cli(dataDir: string) {
  return (args: string[], env: Record<string, string | undefined> = {}) => runHaven(args, { dataDir, env });
}

/** A refusal: exit 1, one clear line on stderr, no stack trace, nothing on stdout. */
function assertRefused(r: CliResult, message: string) {
  assert.equal(r.code, 1, `exit code (stdout ${r.stdout})`);
  assert.equal(r.stderr, `haven: ${message}\n`);
  assert.equal(r.stdout, '');
}

async function countRows(dataDir: string, table: 'users' | 'api_keys' | 'audit_log' | 'items'): Promise<number> {
  const store = openSqlite(join(dataDir, 'haven.db'));
  try {
    return Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  } finally {
    await store.close();
  }
}

test('haven users add creates a user, and refuses a missing or short password, an unknown role, a taken email', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t);
  const haven = cli(dataDir);
  const add = ['users', 'add', '--email', 'X@Example.test', '--name', 'Xavier Example', '--role', 'reviewer'];

  assertRefused(await haven(add), 'set the password in $HAVEN_NEW_PASSWORD (kept out of shell history and process lists)');
  assertRefused(await haven(add, { HAVEN_NEW_PASSWORD: 'short-pw' }), 'password must be at least 10 characters');
  assertRefused(await haven([...add.slice(0, -1), 'reviewer,wizard'], { HAVEN_NEW_PASSWORD: PASSWORD }), 'unknown role(s): wizard');

  const ok = await haven(add, { HAVEN_NEW_PASSWORD: PASSWORD });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^added x@example\.test \(reviewer\) as [0-9A-HJKMNP-TV-Z]{26}\n$/);
  assertRefused(await haven(add, { HAVEN_NEW_PASSWORD: PASSWORD }), 'a user with email x@example.test already exists');

  const other = await haven(['users', 'add', '--email', 'y@example.test', '--name', 'Y', '--role', 'analyst, investigator', '--password-env', 'MY_PW'], { MY_PW: PASSWORD });
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stdout, /^added y@example\.test \(analyst, investigator\) as /);

  const store = openSqlite(join(dataDir, 'haven.db'));
  try {
    const users = await store.db.selectFrom('users').select(['email', 'name', 'password_hash']).orderBy('email').execute();
    assert.deepEqual(users.map((u) => [u.email, u.name]), [['x@example.test', 'Xavier Example'], ['y@example.test', 'Y']]);
    for (const u of users) assert.ok(!u.password_hash.includes(PASSWORD) && u.password_hash.startsWith('$argon2'), 'only a hash is kept');
  } finally {
    await store.close();
  }
});

test('haven keys create prints a key once and keeps only its hash', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const haven = cli(dataDir);
  const r = await haven(['keys', 'create', '--name', 'p', '--scopes', 'items:write']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^hvk_[A-Za-z0-9_-]{20,}\n$/);
  assert.match(r.stderr, /^created API key [0-9A-Z]{26} \(items:write\); it is shown only this once\n$/);
  const key = r.stdout.trim();
  assertRefused(await haven(['keys', 'create', '--name', 'q', '--scopes', 'items:write,everything']),
    `unknown scope(s): everything; known: ${PERMISSIONS.join(', ')}`);

  const store = openSqlite(join(dataDir, 'haven.db'));
  try {
    const rows = await store.db.selectFrom('api_keys').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.name, 'p');
    assert.equal(rows[0]!.prefix, key.slice(0, 10));
    assert.ok(!JSON.stringify(rows).includes(key), 'the key itself is not stored');
  } finally {
    await store.close();
  }
});

// ---- the audit chain: one seeded data directory, copied for each tampering ----

let seeded = '';
let auditRows = 0;
before(async () => {
  seeded = mkdtempSync(join(tmpdir(), 'haven-cli-seeded-'));
  const r = await runHaven(['demo', 'seed', '--accounts', '10', '--seed', '5'], { dataDir: seeded });
  assert.equal(r.code, 0, r.stderr);
  auditRows = await countRows(seeded, 'audit_log');
});
after(() => rmSync(seeded, { recursive: true, force: true }));

/** A copy of the seeded data directory, tampered with through SQLite directly. */
function tampered(t: TestContext, tamper: (db: Database.Database) => void): string {
  const dir = tempDir(t);
  cpSync(seeded, dir, { recursive: true });
  const db = new Database(join(dir, 'haven.db'));
  try {
    tamper(db);
  } finally {
    db.close();
  }
  return dir;
}

async function verify(dataDir: string) {
  const r = await runHaven(['audit', 'verify'], { dataDir });
  assert.equal(r.stderr, '');
  return r;
}

test('haven audit verify: an untouched chain is intact, and stays so as the CLI appends to it', { timeout: 60_000 }, async (t) => {
  assert.ok(auditRows >= 5, `the seeded world has an audit trail (${auditRows} rows)`);
  const dir = tampered(t, () => {});
  const r = await verify(dir);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `audit log intact: ${auditRows} rows\n`);
  assert.equal((await runHaven(['keys', 'create', '--name', 'later'], { dataDir: dir })).code, 0);
  assert.equal((await verify(dir)).stdout, `audit log intact: ${auditRows + 1} rows\n`);
});

test('haven audit verify names an edited row and exits 2', { timeout: 60_000 }, async (t) => {
  const dir = tampered(t, (db) => {
    assert.equal(db.prepare(`UPDATE audit_log SET details = '{"email":"someone-else@example.test"}' WHERE seq = 3`).run().changes, 1);
  });
  const r = await verify(dir);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, `row 3: content does not match its hash (edited)\naudit log BROKEN: 1 problem(s) in ${auditRows} rows\n`);
});

test('haven audit verify catches an edited row whose hash was recomputed: the next row no longer links', { timeout: 60_000 }, async (t) => {
  const dir = tampered(t, (db) => {
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as { at: number; actor: string; action: string; target_type: string; target_id: string | null; prev_hash: string };
    const details = { forged: true };
    const hash = auditHash(row.prev_hash, row.at, { actor: row.actor, action: row.action, targetType: row.target_type, targetId: row.target_id, details });
    db.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE seq = 2').run(JSON.stringify(details), hash);
  });
  const r = await verify(dir);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, `row 3: does not link to the previous row\naudit log BROKEN: 1 problem(s) in ${auditRows} rows\n`);
});

test('haven audit verify names the gap left by a deleted middle row', { timeout: 60_000 }, async (t) => {
  const mid = Math.ceil(auditRows / 2);
  const dir = tampered(t, (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(mid));
  const r = await verify(dir);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, [
    `row ${mid + 1}: rows ${mid}..${mid} are missing`,
    `row ${mid + 1}: does not link to the previous row`,
    `audit log BROKEN: 2 problem(s) in ${auditRows - 1} rows`,
  ].join('\n') + '\n');
});

test('haven audit verify notices the last row deleted', { timeout: 60_000 }, async (t) => {
  const dir = tampered(t, (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(auditRows));
  const r = await verify(dir);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, `row ${auditRows}: rows after ${auditRows - 1} were deleted\naudit log BROKEN: 1 problem(s) in ${auditRows - 1} rows\n`);
});

test('haven demo seed prints its counts, and a second run adds nothing', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t);
  const haven = cli(dataDir);
  const generated = await generateWorld({ accounts: 20, seed: 3 });
  const perceptual = await perceptualDemo(generated, 0);
  const world = { items: [...generated.items, ...perceptual.items, ...plantAnalytics(generated, 0).items] };
  const bankEntries = generated.banks.reduce((n, b) => n + b.entries.length, 0) + perceptual.bank.entries.length;
  assert.ok(world.items.length > 20 && bankEntries > 0);

  const first = await haven(['demo', 'seed', '--accounts', '20', '--seed', '3']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout,
    `demo world: 20 accounts, ${world.items.length} items (${world.items.length} new), ${bankEntries} bank entries added, ${DEMO_USERS.length} users added (password "haven-demo-password")\n` +
    'items are processed by a running `haven serve`\n');
  assert.equal(await countRows(dataDir, 'items'), world.items.length);
  assert.equal(await countRows(dataDir, 'users'), DEMO_USERS.length);

  const second = await haven(['demo', 'seed', '--accounts', '20', '--seed', '3']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`^demo world: 20 accounts, ${world.items.length} items \\(0 new\\), 0 bank entries added, 0 users added\n`));
  assert.equal(await countRows(dataDir, 'items'), world.items.length);

  assertRefused(await haven(['demo', 'seed', '--accounts', 'many']), 'accounts must be a positive integer');
});

test('haven outbox replay puts dead platform actions back in line, all or by id', { timeout: 180_000 }, async (t) => {
  const dataDir = tempDir(t);
  const input = tempDir(t, 'haven-cli-input-');
  const haven = cli(dataDir);
  assert.equal((await haven(['outbox', 'replay'])).stdout, '0 action(s) queued for delivery again\n');

  const png = await patternPng(1);
  writeFileSync(join(input, 'bank.csv'), `sha256,${createHash('sha256').update(png).digest('hex')},CSE-01,A1,pattern\n`);
  assert.equal((await haven(['bank', 'import', 'b', join(input, 'bank.csv')])).code, 0);
  const item = { externalId: 'upload-1', surface: 'public_post', author: { externalId: 'acct-1' }, media: [{ data: png.toString('base64') }] };
  writeFileSync(join(input, 'items.jsonl'), JSON.stringify(item));
  assert.equal((await haven(['ingest', join(input, 'items.jsonl'), '--no-progress'])).code, 0);

  // No webhook: the worker decides and leaves the platform actions (block, disable) pending in the outbox.
  const worker = startHavenProcess(t, ['serve', '--role', 'worker'], { dataDir });
  const store = openSqlite(join(dataDir, 'haven.db'));
  t.after(() => store.close());
  const platform = () => store.db.selectFrom('actions').select(['id', 'type', 'status', 'attempts', 'last_error']).where('delivery', '=', 'platform').orderBy('type').execute();
  await waitFor('platform actions', async () => (await platform()).length === 2, { timeoutMs: 90_000, intervalMs: 200 });
  await worker.stop('SIGTERM');

  const kill = () => store.db.updateTable('actions').set({ status: 'dead', attempts: 8, last_error: 'HTTP 500', next_attempt_at: null }).where('delivery', '=', 'platform').execute();
  await kill();
  const [block, disable] = await platform();
  assert.deepEqual([block?.type, disable?.type], ['block', 'disable']);

  const one = await haven(['outbox', 'replay', '--id', block!.id]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout, '1 action(s) queued for delivery again\n');
  assert.deepEqual((await platform()).map((a) => [a.type, a.status, a.attempts, a.last_error]), [['block', 'pending', 0, null], ['disable', 'dead', 8, 'HTTP 500']]);

  await kill();
  assert.equal((await haven(['outbox', 'replay'])).stdout, '2 action(s) queued for delivery again\n');
  assert.deepEqual((await platform()).map((a) => a.status), ['pending', 'pending']);
  assert.equal((await haven(['outbox', 'replay'])).stdout, '0 action(s) queued for delivery again\n');
});
