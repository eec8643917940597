import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { currentRules, deployRules, parseAgainstTaxonomy } from '../../detectors/text/rules/deploy.js';
import { RULE_SOURCE_FORMATS, type RuleSourceFormat, type RulesDocument } from '../../detectors/text/rules/format.js';
import { RuleFileError } from '../../detectors/text/rules/parse.js';
import { RuleSet } from '../../detectors/text/rules/rule-set.js';
import {
  DEFAULT_DEMO_ACCOUNTS, demoSamples, formatRuleTestReport, parseSamplesJsonl, type RuleSample, testRules,
} from '../../detectors/text/rules/tester.js';
import { configVersion, listConfigVersions } from '../../store/repos/config.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;

function formatOf(file: string, given: string | undefined): RuleSourceFormat {
  const format = given ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'yaml');
  if (!(RULE_SOURCE_FORMATS as readonly string[]).includes(format)) throw new Error(`--format must be one of ${RULE_SOURCE_FORMATS.join(', ')}`);
  return format as RuleSourceFormat;
}

/** A refused rule file reads "FILE was refused:" then one "line N: path: reason" per problem. */
function refused(file: string, e: unknown): never {
  if (e instanceof RuleFileError) throw new Error(`${file} was refused:\n${e.message}`);
  throw e;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

export function rulesCommands(program: Command): void {
  const rules = program.command('rules').description('text rules written by policy staff: test, deploy, show');

  rules
    .command('test')
    .argument('<rulefile>', 'rule file (YAML, or JSON by its .json extension)')
    .requiredOption('--on <samples>', 'demo (the demo world\'s text items) or a JSONL file of {text, surface?, authorAgeBand?, recipientAgeBands?, authorAccountAgeDays?, conversationMessageCount?}')
    .option('--format <format>', RULE_SOURCE_FORMATS.join(', '))
    .option('--accounts <n>', 'size of the demo world for --on demo', String(DEFAULT_DEMO_ACCOUNTS))
    .option('--seed <n>', 'seed of the demo world', '1')
    .option('--json', 'print the report as JSON')
    .description('run a rule file over samples and print every hit with its evidence in [[ ]], then counts by rule')
    .action(async (file: string, o: { on: string; format?: string; accounts: string; seed: string; json?: boolean }) => {
      const source = readFileSync(file, 'utf8');
      const format = formatOf(file, o.format);
      const samples: RuleSample[] = o.on === 'demo'
        ? await demoSamples(positiveInt('--accounts', o.accounts), positiveInt('--seed', o.seed))
        : parseSamplesJsonl(readFileSync(o.on, 'utf8'));
      const parsed = await withHaven((haven) => parseAgainstTaxonomy(haven.configs, source, format)).catch((e: unknown) => refused(file, e));
      const report = testRules(RuleSet.compile(parsed, 0), samples);
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatRuleTestReport(report));
    });

  rules
    .command('deploy')
    .argument('<rulefile>', 'rule file (YAML, or JSON by its .json extension)')
    .requiredOption('--reason <text>', 'why this change (kept in the audit log)')
    .option('--format <format>', RULE_SOURCE_FORMATS.join(', '))
    .description('validate a rule file and make it the next rules version')
    .action(async (file: string, o: { reason: string; format?: string }) => {
      const source = readFileSync(file, 'utf8');
      const format = formatOf(file, o.format);
      if (o.reason.trim().length < 3) throw new Error('--reason must say why (at least 3 characters)');
      await withHaven(async (haven) => {
        const saved = await deployRules(haven.configs, { source, format, reason: o.reason.trim(), actor: CLI_ACTOR }).catch((e: unknown) => refused(file, e));
        process.stdout.write(`rules version ${saved.version} deployed: ${saved.document.rules.rules.length} rules\n`);
      });
    });

  rules
    .command('show')
    // A positional, not --version: haven's own --version is recognised anywhere on the command line.
    .argument('[version]', 'a past version (default: the one in force)')
    .description('print the source of the rules version in force (or of VERSION)')
    .action(async (version: string | undefined) => {
      await withHaven(async (haven) => {
        const v = version === undefined
          ? await currentRules(haven.configs)
          : await configVersion<RulesDocument>(haven.store.db, 'rules', positiveInt('version', version));
        if (!v) throw new Error(`rules version ${version} not found`);
        process.stderr.write(`rules version ${v.version} (${v.document.format}) by ${v.author}: ${v.reason}\n`);
        process.stdout.write(v.document.source.endsWith('\n') ? v.document.source : `${v.document.source}\n`);
      });
    });

  rules
    .command('versions')
    .description('every deployed rules version, newest first')
    .action(async () => {
      await withHaven(async (haven) => {
        const versions = await listConfigVersions(haven.store.db, 'rules');
        if (versions.length === 0) process.stdout.write('no rules deployed yet; the built-in defaults are in force (version 0)\n');
        for (const v of versions) process.stdout.write(`${v.version}\t${new Date(v.createdAt).toISOString()}\t${v.author}\t${v.reason}\n`);
      });
    });
}
