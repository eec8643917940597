import type { ItemId } from '../../../core/ids.js';
import { thresholdsFor } from '../../../core/policy.js';
import type { Account, Item } from '../../../core/types.js';
import { loadModelVersion } from '../../../detectors/model/service.js';
import type { TextModel } from '../../../detectors/model/model.js';
import { defaultRulesDocument } from '../../../detectors/text/rules/default-rules.js';
import { RuleDetector, signalsFromHits } from '../../../detectors/text/rules/detector.js';
import type { RulesDocument } from '../../../detectors/text/rules/format.js';
import { RuleSet } from '../../../detectors/text/rules/rule-set.js';
import { evaluateItem } from '../../../pipeline/evaluate.js';
import { DetectionRuntime } from '../../../pipeline/runtime.js';
import { configVersion, type ConfigVersion, latestConfig } from '../../../store/repos/config.js';
import { liveModelVersion } from '../../../store/repos/models.js';
import type { CategoryScore, EvalClassifier, EvalExample } from '../types.js';
import type { ClassifierContext, ClassifierRegistry, ClassifierRequest } from './registry.js';

function versionNumber(req: ClassifierRequest, what: string): number | null {
  if (req.version === null) return null;
  const n = Number(req.version.replace(/^v/, ''));
  if (req.version === '' || !Number.isInteger(n) || n < 0) throw new Error(`${req.name}: a ${what} version is a whole number, e.g. ${req.name.split('@')[0]}@2`);
  return n;
}

async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; latencyMs: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, latencyMs: Math.round((performance.now() - started) * 1000) / 1000 };
}

/** 'rules': the rules in force; 'rules@N': stored rules version N (0 is the built-in defaults). */
async function rulesClassifier({ q }: ClassifierContext, req: ClassifierRequest): Promise<EvalClassifier> {
  const asked = versionNumber(req, 'rules');
  let rules: ConfigVersion<RulesDocument> | null;
  if (asked === 0 || (asked === null && !(await latestConfig(q, 'rules')))) {
    rules = { kind: 'rules', version: 0, document: defaultRulesDocument(), author: 'system', reason: 'built-in defaults', createdAt: 0 };
  } else {
    rules = asked === null ? await latestConfig<RulesDocument>(q, 'rules') : await configVersion<RulesDocument>(q, 'rules', asked);
  }
  if (!rules) throw new Error(`no rules version ${asked}`);
  const set = RuleSet.compile(rules.document.rules, rules.version);
  const version = rules.version;
  return {
    name: req.name,
    config: { detector: 'text.rules', detectorVersion: RuleDetector.VERSION, rulesVersion: version },
    async classify(e: EvalExample) {
      const { value, latencyMs } = await timed(() =>
        e.text
          ? signalsFromHits(set.evaluate(e.text, {
            surface: e.surface ?? undefined, authorAgeBand: e.authorAgeBand ?? undefined, recipientAgeBands: e.recipientAgeBands,
          }), version)
          : [],
      );
      return { categories: value.map((s) => ({ category: s.category, score: s.score })), costUsd: 0, latencyMs };
    },
  };
}

/** 'model': the live local model; 'model@N': stored model version N. Scores every category the model covers. */
async function modelClassifier({ q }: ClassifierContext, req: ClassifierRequest): Promise<EvalClassifier> {
  const version = versionNumber(req, 'model') ?? (await liveModelVersion(q));
  if (version === null) throw new Error('no model is live: train one with haven model train, or name a version (model@N)');
  const loaded = await loadModelVersion(q, version);
  if (!loaded) throw new Error(`no model version ${version}`);
  const model: TextModel = loaded.model;
  return {
    name: req.name,
    config: { detector: 'text.model', modelVersion: version, modelThreshold: model.data.threshold, categories: [...model.categories] },
    async classify(e: EvalExample) {
      const { value, latencyMs } = await timed(() => (e.text ? model.predict(e.text) : []));
      return { categories: value.map((s) => ({ category: s.category, score: Math.round(s.score * 1e4) / 1e4 })), costUsd: 0, latencyMs };
    },
  };
}

const EVAL_NOW = Date.UTC(2030, 0, 1);

/** An example as the pipeline sees an item: accounts stand in for the age bands (old accounts, so no "new account" rule fires). */
function asPipelineInput(e: EvalExample, n: number): { item: Item; author: Account | null; recipients: Account[] } {
  const account = (id: string, ageBand: Account['ageBand']): Account => ({ id: id as Account['id'], externalId: id, ageBand, createdAt: 0, flags: [] });
  const author = e.authorAgeBand ? account(`eval_author_${n}`, e.authorAgeBand) : null;
  const recipients = e.recipientAgeBands.map((b, i) => account(`eval_recipient_${n}_${i}`, b));
  const item: Item = {
    id: `eval_item_${n}` as ItemId, externalId: e.id, contentDigest: '', surface: e.surface ?? 'unknown', kind: 'text',
    text: e.text, media: [], authorId: author?.id ?? null, conversationId: null, recipientIds: recipients.map((r) => r.id),
    createdAt: EVAL_NOW, ingestedAt: EVAL_NOW, metadata: {}, status: 'pending',
  };
  return { item, author, recipients };
}

/**
 * 'pipeline': every local detector and the policy, through the pipeline's own evaluateItem and decide(). The
 * prediction is the decision's category when the verdict is not no_violation, scored by its strongest reason;
 * a category is predicted at the policy's review threshold for it on the example's surface.
 */
async function pipelineClassifier({ q }: ClassifierContext, req: ClassifierRequest): Promise<EvalClassifier> {
  if (req.version !== null) throw new Error('the pipeline classifier has no versions: it runs the configuration in force');
  const setup = await new DetectionRuntime().current(q);
  const detectors: Record<string, string | number> = {};
  for (const d of setup.detectors) Object.assign(detectors, d.versions());
  let counter = 0;
  const policy = setup.policy;
  return {
    name: req.name,
    config: { policyVersion: policy.policyVersion, taxonomyVersion: policy.taxonomyVersion, detectors },
    async classify(e: EvalExample) {
      const n = ++counter;
      let ids = 0;
      const { value, latencyMs } = await timed(() =>
        evaluateItem(asPipelineInput(e, n), { detectors: setup.detectors, policy, newId: () => `eval_${n}_${++ids}`, now: EVAL_NOW }),
      );
      const d = value.decision;
      const categories: CategoryScore[] = [];
      if (d.verdict !== 'no_violation' && d.category) {
        const score = Math.max(...d.reasons.filter((r) => r.category === d.category).map((r) => r.score));
        categories.push({ category: d.category, score });
      }
      const calls = d.reasons.length > 0 ? { verdict: d.verdict, reasons: d.reasons.map((r) => r.text) } : undefined;
      return { categories, costUsd: 0, latencyMs, ...(calls ? { calls } : {}) };
    },
    thresholdDescription: `policy v${policy.policyVersion} review thresholds`,
    threshold: (category, e) => thresholdsFor(policy.policy, category, e.surface ?? 'unknown').reviewThreshold,
  };
}

export function registerLocalClassifiers(registry: ClassifierRegistry): void {
  registry.register('rules', rulesClassifier, 'text rules: the version in force, or rules@N for stored version N');
  registry.register('model', modelClassifier, 'local text model: the live one, or model@N for stored version N');
  registry.register('pipeline', pipelineClassifier, 'all local detectors and the policy (predicts at the policy review thresholds)');
}
