import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { AGE_BANDS } from '../../core/types.js';
import { itemInputSchema, MAX_MEDIA_PARTS, MAX_TEXT_CHARS } from '../../core/item-input.js';
import { classifyTransient, recordInlineCheck, type TransientClassification } from '../../pipeline/classify.js';
import { DetectionRuntime } from '../../pipeline/runtime.js';
import type { RouteTable } from '../route.js';

/** What a caller needs from one classification: the decision, why, and every signal and LLM call behind it. */
export function presentClassification(c: TransientClassification) {
  const { decision, signals, events } = c.evaluation;
  const plan = events.find((e) => e.type === 'cascade_planned');
  const llm = events.filter((e) => e.type === 'detector_ran' && e.payload.detector === 'llm.policy');
  return {
    verdict: decision.verdict, category: decision.category, severity: decision.severity, actions: decision.actions,
    reasons: decision.reasons.map((r) => r.text),
    versions: { policy: decision.policyVersion, taxonomy: decision.taxonomyVersion },
    signals: signals.map((s) => ({ detector: s.detector, detectorVersion: s.detectorVersion, category: s.category, score: s.score, evidence: s.evidence })),
    detectors: events.filter((e) => e.type === 'detector_ran').map((e) => ({ detector: e.payload.detector, versions: e.versions, ms: e.payload.ms, details: e.payload.details })),
    llm: plan ? { asked: plan.payload.ask, shadow: plan.payload.shadow, reasons: plan.payload.reasons, calls: llm.map((e) => e.payload.details ?? null) } : { asked: false, reasons: ['no LLM provider is configured'] },
  };
}

const genaiSchema = z.strictObject({
  /** A prompt sent to a generative AI product, or an output it produced. */
  direction: z.enum(['prompt', 'output']),
  text: z.string().max(MAX_TEXT_CHARS).optional(),
  images: z.array(z.base64().min(4, 'image data is empty')).max(MAX_MEDIA_PARTS).optional(),
  /** The product, for the trace (e.g. "image-studio"). */
  product: z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/, 'product is lower-case letters, digits, _ . -').optional(),
  userAgeBand: z.enum(AGE_BANDS).optional(),
  requestId: z.string().min(1).max(256).optional(),
}).refine((b) => (b.text?.length ?? 0) > 0 || (b.images?.length ?? 0) > 0, { message: 'a check needs text or at least one image' });

/** In-line classification: a dry run of the cascade for any item, and the generative-AI input/output check. */
export function classifyRoutes(routes: RouteTable, haven: Haven): void {
  const runtime = new DetectionRuntime(haven.llm);
  const deps = { store: haven.store, ingestor: haven.ingestor, llm: haven.llm, clock: haven.clock, runtime };

  routes.add({
    method: 'POST', url: '/v1/classify', tag: 'items', access: 'items:classify',
    summary: 'Run the detection cascade on one item (as for POST /v1/items) without storing it or acting: the decision, every signal and LLM call',
    body: itemInputSchema,
    async handler({ body }) {
      return presentClassification(await classifyTransient(deps, body));
    },
  });

  routes.add({
    method: 'POST', url: '/v1/genai/check', tag: 'items', access: 'items:classify',
    summary: 'Check a prompt to, or an output from, a generative AI product against the same policies, in-line. Recorded (without the content) as an inline_checked event',
    body: genaiSchema,
    async handler({ body: b, principal }) {
      const surface = b.direction === 'prompt' ? 'genai_prompt' : 'genai_output';
      const input = itemInputSchema.parse({
        externalId: b.requestId ?? `genai-${Date.now()}`, surface,
        ...(b.text ? { text: b.text } : {}),
        ...(b.images ? { media: b.images.map((data) => ({ data })) } : {}),
        author: { externalId: `genai-user:${b.product ?? 'unknown'}`, ...(b.userAgeBand ? { ageBand: b.userAgeBand } : {}) },
        metadata: { product: b.product ?? null, direction: b.direction },
      });
      const result = await classifyTransient(deps, input);
      await recordInlineCheck(haven.store, principal ? principalLabel(principal) : 'anonymous', result, haven.clock.now());
      const view = presentClassification(result);
      const recommendation = view.verdict === 'violating' ? 'block' : view.verdict === 'needs_review' ? 'review' : 'allow';
      return { recommendation, surface, ...view };
    },
  });
}
