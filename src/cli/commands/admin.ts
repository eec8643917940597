import type { Command } from 'commander';
import { ROLES } from '../../core/roles.js';
import { DEMO_PASSWORD, seedDemo } from '../../demo/seed.js';
import { type AuditAnchor, auditHead, verifyAudit } from '../../store/repos/audit.js';
import { replayDeadActions } from '../../store/repos/outbox.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;

export function adminCommands(program: Command): void {
  const users = program.command('users').description('people who log in to the web UI');
  users
    .command('add')
    .requiredOption('--email <email>')
    .requiredOption('--name <name>')
    .requiredOption('--role <roles>', `comma-separated: ${ROLES.join(', ')}`)
    .option('--password-env <var>', 'read the password from this environment variable', 'HAVEN_NEW_PASSWORD')
    .action(async (o: { email: string; name: string; role: string; passwordEnv: string }) => {
      const password = process.env[o.passwordEnv];
      if (!password) throw new Error(`set the password in $${o.passwordEnv} (kept out of shell history and process lists)`);
      await withHaven(async (haven) => {
        const u = await haven.auth.createUser({ email: o.email, name: o.name, password, roles: o.role.split(',').map((r) => r.trim()) }, CLI_ACTOR);
        process.stdout.write(`added ${u.email} (${u.roles.join(', ')}) as ${u.id}\n`);
      });
    });

  const keys = program.command('keys').description('API keys for platform clients');
  keys
    .command('create')
    .requiredOption('--name <name>', 'who the key is for, e.g. platform-ingest')
    .option('--scopes <scopes>', 'comma-separated permissions', 'items:write,items:read')
    .action(async (o: { name: string; scopes: string }) => {
      await withHaven(async (haven) => {
        const { key, record } = await haven.auth.createApiKey({ name: o.name, scopes: o.scopes.split(',').map((s) => s.trim()) }, CLI_ACTOR);
        process.stdout.write(`${key}\n`);
        process.stderr.write(`created API key ${record.id} (${record.scopes.join(', ')}); it is shown only this once\n`);
      });
    });

  const audit = program.command('audit').description('the audit log of human actions');
  audit
    .command('verify')
    .description('check the hash chain: detects an edited or deleted row')
    .option('--anchor <seq:hash>', 'a head printed earlier by `haven audit head` and kept elsewhere: proves rows up to it unchanged')
    .action(async (o: { anchor?: string }) => {
      const anchor = o.anchor === undefined ? undefined : parseAnchor(o.anchor);
      await withHaven(async (haven) => {
        const r = await verifyAudit(haven.store.db, anchor ? { anchor } : {});
        if (r.ok) process.stdout.write(`audit log intact: ${r.rows} rows\n`);
        else {
          for (const p of r.problems) process.stdout.write(`row ${p.seq}: ${p.problem}\n`);
          process.stdout.write(`audit log BROKEN: ${r.problems.length} problem(s) in ${r.rows} rows\n`);
          process.exitCode = 2;
        }
      });
    });
  audit
    .command('head')
    .description('print the last row as SEQ:HASH, to keep outside Haven and pass later to `audit verify --anchor`')
    .action(async () => {
      await withHaven(async (haven) => {
        const head = await auditHead(haven.store.db);
        process.stdout.write(head ? `${head.seq}:${head.hash}\n` : 'the audit log is empty\n');
      });
    });

  program
    .command('demo')
    .description('the synthetic demo world')
    .command('seed')
    .option('--accounts <n>', 'number of accounts', '200')
    .option('--seed <s>', 'random seed: the same seed gives the same world', '1')
    .action(async (o: { accounts: string; seed: string }) => {
      await withHaven(async (haven) => {
        const r = await seedDemo(haven, { accounts: Number(o.accounts), seed: Number(o.seed) });
        process.stdout.write(
          `demo world: ${r.accounts} accounts, ${r.items} items (${r.newItems} new), ${r.bankEntries} bank entries added, ${r.users} users added` +
            `${r.users ? ` (password "${DEMO_PASSWORD}")` : ''}\nitems are processed by a running \`haven serve\`\n`,
        );
      });
    });

  program
    .command('outbox')
    .description('the webhook outbox')
    .command('replay')
    .description('put dead actions back in line for delivery')
    .option('--id <ids>', 'comma-separated action ids (default: every dead action)')
    .action(async (o: { id?: string }) => {
      await withHaven(async (haven) => {
        const n = await replayDeadActions(haven.store.db, haven.clock.now(), o.id?.split(','));
        process.stdout.write(`${n} action(s) queued for delivery again\n`);
      });
    });
}

function parseAnchor(value: string): AuditAnchor {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(value.trim());
  if (!m) throw new Error(`--anchor looks like 123:<64 hex digits> (as printed by haven audit head), not "${value}"`);
  return { seq: Number(m[1]), hash: m[2]! };
}
