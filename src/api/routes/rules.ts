import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { currentRules, deployRules, parseAgainstTaxonomy } from '../../detectors/text/rules/deploy.js';
import { RULE_LIMITS, RULE_SOURCE_FORMATS, type RulesDocument } from '../../detectors/text/rules/format.js';
import { RuleFileError } from '../../detectors/text/rules/parse.js';
import { RuleSet } from '../../detectors/text/rules/rule-set.js';
import { DEFAULT_DEMO_ACCOUNTS, demoSamples, ruleSampleSchema, testRules } from '../../detectors/text/rules/tester.js';
import type { ConfigVersion } from '../../store/repos/config.js';
import { configVersion, listConfigVersions } from '../../store/repos/config.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const source = z.string().min(1).max(RULE_LIMITS.sourceChars);
const format = z.enum(RULE_SOURCE_FORMATS).default('yaml');
const iso = (ms: number) => new Date(ms).toISOString();

/** 400 naming each line and reason: `{ error: { code: 'invalid_rules', message, issues: [{ line, path, message }] } }`. */
async function orInvalid<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof RuleFileError) throw new HttpError(400, 'invalid_rules', e.message, e.issues);
    throw e;
  }
}

function present(v: ConfigVersion<RulesDocument>) {
  return {
    version: v.version, format: v.document.format, source: v.document.source, rules: v.document.rules,
    author: v.author, reason: v.reason, createdAt: iso(v.createdAt),
  };
}

/** Text rules: try a rule file on samples, read the rules in force, deploy a new version (audited). */
export function rulesRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'POST', url: '/v1/rules/test', tag: 'configuration', access: 'policy:write',
    summary: 'Run a rule file over samples (or the demo world) and return every hit with its evidence; nothing is saved',
    body: z
      .strictObject({
        source,
        format,
        samples: z.array(ruleSampleSchema).min(1).max(1000).optional(),
        on: z.literal('demo').optional(),
        accounts: z.number().int().min(2).max(200).default(DEFAULT_DEMO_ACCOUNTS),
      })
      .refine((b) => (b.samples === undefined) !== (b.on === undefined), 'give either samples or on: "demo"'),
    async handler({ body }) {
      const parsed = await orInvalid(parseAgainstTaxonomy(haven.configs, body.source, body.format));
      const samples = body.samples ?? (await demoSamples(body.accounts));
      return testRules(RuleSet.compile(parsed, 0), samples);
    },
  });

  routes.add({
    method: 'GET', url: '/v1/rules', tag: 'configuration', access: 'taxonomy:read',
    summary: 'The rules in force (or ?version=N): source as written, parsed form, author and reason. Version 0 is the built-in default.',
    query: z.strictObject({ version: z.coerce.number().int().positive().optional() }),
    async handler({ query }) {
      const v = query.version
        ? await configVersion<RulesDocument>(haven.store.db, 'rules', query.version)
        : await currentRules(haven.configs);
      if (!v) throw new HttpError(404, 'not_found', `rules version ${query.version} not found`);
      return present(v);
    },
  });

  routes.add({
    method: 'GET', url: '/v1/rules/versions', tag: 'configuration', access: 'taxonomy:read', summary: 'Every deployed rules version',
    async handler() {
      return { versions: (await listConfigVersions(haven.store.db, 'rules')).map((v) => ({ ...v, createdAt: iso(v.createdAt) })) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/rules', tag: 'configuration', access: 'policy:write', status: 201,
    summary: 'Deploy a rule file as the next rules version; an invalid file is refused with the line and reason of each problem',
    body: z.strictObject({ source, format, reason: z.string().trim().min(3).max(2000) }),
    async handler({ body, principal }) {
      const saved = await orInvalid(deployRules(haven.configs, {
        source: body.source, format: body.format, reason: body.reason, actor: principal ? principalLabel(principal) : 'unknown',
      }));
      return present(saved);
    },
  });
}
