import type { ConfigService } from '../../../configuration/service.js';
import type { Taxonomy } from '../../../core/taxonomy.js';
import type { ConfigVersion } from '../../../store/repos/config.js';
import { defaultRulesDocument } from './default-rules.js';
import type { RuleSourceFormat, RulesDocument } from './format.js';
import { parseRuleFile } from './parse.js';
import { RuleSet } from './rule-set.js';

/** The category ids of the current taxonomy: a rule may only name one of these. */
export async function knownCategories(configs: ConfigService): Promise<Set<string>> {
  const taxonomy = await configs.latest<Taxonomy>('taxonomy');
  return new Set((taxonomy?.document.categories ?? []).map((c) => c.id));
}

/** Parses a rule file against the current taxonomy; throws RuleFileError naming lines. */
export async function parseAgainstTaxonomy(configs: ConfigService, source: string, format: RuleSourceFormat) {
  return parseRuleFile(source, format, { categories: await knownCategories(configs) });
}

/** Validates and deploys a rule file as the next version of config kind 'rules' (audited, with author and reason). */
export async function deployRules(
  configs: ConfigService,
  input: { source: string; format: RuleSourceFormat; reason: string; actor: string },
): Promise<ConfigVersion<RulesDocument>> {
  const rules = await parseAgainstTaxonomy(configs, input.source, input.format);
  const document: RulesDocument = { source: input.source, format: input.format, rules };
  return (await configs.deploy('rules', document, input.reason, input.actor)) as ConfigVersion<RulesDocument>;
}

/**
 * The rules in force: the latest deployed version, or the built-in defaults as version 0 while none is deployed.
 * TODO(lead): seed version 1 in ensureDefaultConfig (['rules', defaultRulesDocument()]) when switching the pipeline.
 */
export async function currentRules(configs: ConfigService): Promise<ConfigVersion<RulesDocument>> {
  const latest = await configs.latest<RulesDocument>('rules');
  if (latest) return latest;
  return { kind: 'rules', version: 0, document: defaultRulesDocument(), author: 'system', reason: 'built-in defaults (not deployed yet)', createdAt: 0 };
}

/** Compiles a stored rules version. */
export function ruleSetOf(v: ConfigVersion<RulesDocument>): RuleSet {
  return RuleSet.compile(v.document.rules, v.version);
}
