import type { ItemId } from '../../../core/ids.js';
import type { Account, Item } from '../../../core/types.js';
import { configVersion } from '../../../store/repos/config.js';
import { evaluateItem } from '../../../pipeline/evaluate.js';
import { LlmStage } from '../../../pipeline/llm-stage.js';
import { DetectionRuntime } from '../../../pipeline/runtime.js';
import type { CategoryScore, EvalClassifier, EvalExample } from '../types.js';
import type { ClassifierContext, ClassifierRegistry, ClassifierRequest } from './registry.js';

const EVAL_NOW = Date.UTC(2030, 0, 1);

function stageFor(ctx: ClassifierContext): LlmStage {
  const llm = ctx.config?.llm;
  if (!llm) throw new Error('no LLM provider is configured: set HAVEN_LLM_PROVIDER (and HAVEN_LLM_BASE_URL, HAVEN_LLM_MODEL)');
  return new LlmStage(ctx.q, null, llm, ctx.config?.llmPromptFormat ?? 'structured');
}

function asItem(e: EvalExample, n: number): { item: Item; author: Account | null; recipients: Account[] } {
  const account = (id: string, ageBand: Account['ageBand']): Account => ({ id: id as Account['id'], externalId: id, ageBand, createdAt: 0, flags: [] });
  const author = e.authorAgeBand ? account(`eval_author_${n}`, e.authorAgeBand) : null;
  const recipients = e.recipientAgeBands.map((b, i) => account(`eval_recipient_${n}_${i}`, b));
  return {
    author, recipients,
    item: {
      id: `eval_item_${n}` as ItemId, externalId: e.id, contentDigest: '', surface: e.surface ?? 'unknown', kind: 'text', text: e.text,
      media: [], authorId: author?.id ?? null, conversationId: null, recipientIds: recipients.map((r) => r.id), createdAt: EVAL_NOW,
      ingestedAt: EVAL_NOW, metadata: {}, status: 'pending',
    },
  };
}

/** USD spent by the LLM calls an evaluation recorded (cached answers cost nothing). */
function spent(calls: readonly { costUsd?: number }[] | undefined): number {
  return (calls ?? []).reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
}

/** 'llm': the LLM alone, on every example, against the LLM policy in force; 'llm@N' against stored policy version N. */
async function llmClassifier(ctx: ClassifierContext, req: ClassifierRequest): Promise<EvalClassifier> {
  const stage = stageFor(ctx);
  if (req.version !== null) {
    const n = Number(req.version);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${req.name}: an LLM policy version is a whole number, e.g. llm@2`);
    if (!(await configVersion(ctx.q, 'llm_policy', n))) throw new Error(`no LLM policy version ${n}`);
  }
  const detector = await stage.detector(ctx.q, req.version === null ? undefined : Number(req.version));
  let counter = 0;
  return {
    name: req.name,
    config: { ...detector.versions(), provider: detector.classifier.providerName },
    async classify(e: EvalExample) {
      const started = performance.now();
      const { item, author, recipients } = asItem(e, ++counter);
      const c = await detector.classify(
        { text: item.text, images: [], surface: item.surface },
        { authorBand: author?.ageBand ?? 'unknown', recipientBands: recipients.map((r) => r.ageBand), previous: [] },
      );
      const categories: CategoryScore[] = [];
      if (c.status === 'classified' && c.verdict.violates && c.verdict.category) categories.push({ category: c.verdict.category, score: c.verdict.confidence });
      if (c.status !== 'classified') throw new Error(`no verdict: ${c.reason}`);
      return { categories, costUsd: spent(c.calls), latencyMs: Math.round(performance.now() - started), calls: c.calls };
    },
  };
}

/** 'cascade': every detector, the LLM asked only as the cascade configuration says, and the policy. */
async function cascadeClassifier(ctx: ClassifierContext, req: ClassifierRequest): Promise<EvalClassifier> {
  if (req.version !== null) throw new Error('the cascade classifier has no versions: it runs the configuration in force');
  const setup = await new DetectionRuntime(stageFor(ctx)).current(ctx.q);
  const detectors: Record<string, string | number> = {};
  for (const d of setup.detectors) Object.assign(detectors, d.versions());
  let counter = 0;
  return {
    name: req.name,
    config: { policyVersion: setup.policy.policyVersion, cascadeVersion: setup.cascade.version, detectors },
    async classify(e: EvalExample) {
      const n = ++counter;
      let ids = 0;
      const started = performance.now();
      const r = await evaluateItem(asItem(e, n), {
        detectors: setup.detectors, policy: setup.policy, newId: () => `eval_${n}_${++ids}`, now: EVAL_NOW, cascade: setup.cascade,
      });
      const d = r.decision;
      const categories: CategoryScore[] = [];
      if (d.verdict !== 'no_violation' && d.category) {
        categories.push({ category: d.category, score: Math.max(...d.reasons.filter((x) => x.category === d.category).map((x) => x.score)) });
      }
      const llmCalls = r.events
        .filter((ev) => ev.type === 'detector_ran' && ev.payload.detector === 'llm.policy')
        .flatMap((ev) => ((ev.payload.details as { calls?: { costUsd?: number }[] } | undefined)?.calls ?? []));
      const plan = r.events.find((ev) => ev.type === 'cascade_planned');
      return {
        categories, costUsd: spent(llmCalls), latencyMs: Math.round(performance.now() - started),
        calls: { llmAsked: plan?.payload.ask ?? false, reasons: plan?.payload.reasons ?? [], llmCalls },
      };
    },
    thresholdDescription: `policy v${setup.policy.policyVersion} review thresholds`,
  };
}

export function registerLlmClassifiers(registry: ClassifierRegistry): void {
  registry.register('llm', llmClassifier, 'the LLM alone on every example (llm@N: LLM policy version N); needs HAVEN_LLM_PROVIDER');
  registry.register('cascade', cascadeClassifier, 'every detector with the LLM asked as the cascade says, and the policy; needs HAVEN_LLM_PROVIDER');
}
