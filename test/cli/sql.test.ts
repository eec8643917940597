import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runHaven, tempDir } from '../helpers/cli.js';

test('haven sql: table and CSV results; writes refused by the database', async (t) => {
  const dataDir = tempDir(t);
  const table = await runHaven(['sql', 'SELECT view_name FROM (SELECT name AS view_name FROM sqlite_schema WHERE type = \'view\') ORDER BY view_name'], { dataDir });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^view_name\n-+\n/);
  assert.match(table.stdout, /analytics_items/);

  const csv = await runHaven(['sql', 'SELECT count(*) AS n FROM analytics_items', '--format', 'csv'], { dataDir });
  assert.equal(csv.code, 0, csv.stderr);
  assert.deepEqual(parse(csv.stdout), [['n'], ['0']]);

  const write = await runHaven(['sql', 'DELETE FROM items'], { dataDir });
  assert.equal(write.code, 1);
  assert.match(write.stderr, /attempt to write a readonly database/);

  const secret = await runHaven(['sql', 'SELECT * FROM users'], { dataDir });
  assert.equal(secret.code, 1);
  assert.match(secret.stderr, /users is not available/);

  const badFormat = await runHaven(['sql', 'SELECT 1', '--format', 'xml'], { dataDir });
  assert.match(badFormat.stderr, /--format must be one of table, csv, json, parquet/);
});
