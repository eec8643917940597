/**
 * The program a SQLite console query runs in: a separate Node process (plain CommonJS, no TypeScript loader) that
 * opens the database file read-only. better-sqlite3 has neither a progress handler nor sqlite3_interrupt, and a
 * worker thread cannot be stopped while SQLite runs native code, so a runaway query is ended by killing this
 * process. Argument: the job as JSON { driver, path, sql, limit, tables }.
 *
 * Secrets: SQLite has no grants and better-sqlite3 exposes no authorizer, so before running, the statement's
 * compiled program (EXPLAIN, SQLite's own compiler, not a parse of the text) is checked: every b-tree it opens must
 * belong to an allowed table (the ones behind the analytics views) or the schema (writing statements need no check:
 * the read-only connection refuses them when their write transaction starts, before they read). A read of users, sessions,
 * api_keys or any other table is refused before anything runs.
 */
export const SQLITE_CHILD_SOURCE = String.raw`
'use strict';
const job = JSON.parse(process.argv[1]);
const reply = (m) => process.send(m, () => process.exit(0));
const refuse = (message) => reply({ ok: false, kind: 'refused', message });
const cell = (v) => (v instanceof Uint8Array ? '\\x' + Buffer.from(v).toString('hex') : typeof v === 'bigint' ? v.toString() : v);
(function main() {
let db;
try {
  const Database = require(job.driver);
  db = new Database(job.path, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
} catch (e) {
  reply({ ok: false, kind: 'unavailable', message: 'cannot open the database read-only: ' + e.message });
  return;
}
try {
  const stmt = db.prepare(job.sql);
  const owner = new Map(db.prepare('SELECT rootpage, tbl_name FROM sqlite_schema WHERE rootpage > 0').raw(true).all());
  owner.set(1, 'sqlite_schema');
  const allowed = new Set(job.tables.concat(['sqlite_schema']));
  // A statement that writes is stopped by the read-only connection when its transaction starts, before it reads
  // anything; the check is for statements that only read.
  let program = [];
  if (stmt.readonly) {
    try {
      program = db.prepare('EXPLAIN ' + job.sql).raw(true).all();
    } catch (e) {
      refuse('the statement cannot be checked (EXPLAIN statements are not accepted): ' + e.message);
      return;
    }
  }
  for (const [, opcode, , p2, p3, , p5] of program) {
    if (opcode !== 'OpenRead' && opcode !== 'OpenWrite' && opcode !== 'ReopenIdx') continue;
    if (p3 !== 0 || (p5 & 0x10) !== 0) return refuse('the SQL console reads the main database only');
    const table = owner.get(p2);
    if (!allowed.has(table)) return refuse('the table ' + (table ?? '#' + p2) + ' is not available to the SQL console');
  }
  if (!stmt.reader) {
    stmt.run(); // the read-only connection is what refuses writes
    reply({ ok: true, columns: [], rows: [], truncated: false });
    return;
  }
  stmt.raw(true);
  const columns = stmt.columns().map((c) => c.name);
  const rows = [];
  let truncated = false;
  for (const row of stmt.iterate()) {
    if (rows.length === job.limit) { truncated = true; break; }
    rows.push(row.map(cell));
  }
  reply({ ok: true, columns, rows, truncated });
} catch (e) {
  reply({ ok: false, kind: 'database', message: e.message, code: e.code ?? null });
}
})();
`;
