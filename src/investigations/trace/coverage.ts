import { parseBehaviourConfig } from '../../detectors/behaviour/config.js';
import { parseConversationRiskConfig } from '../../detectors/conversation/config.js';
import type { RulesDocument } from '../../detectors/text/rules/format.js';
import type { Queryable } from '../../store/db.js';
import { type ConfigKind, configVersion, latestConfig } from '../../store/repos/config.js';
import { bankCategoriesOfTypes } from '../../store/repos/traces.js';
import type { TraceCascade, TraceDetectorRun, TraceSignal } from './types.js';

const HASH_TYPES_OF: Record<string, string[]> = {
  'hashmatch.exact': ['md5', 'sha256'], 'hashmatch.pdq': ['pdq'], 'hashmatch.vpdq': ['vpdq'],
};

/**
 * Per category, the detectors that ran on the item (or that the cascade could have asked) and could have raised it:
 * rules of the rules version that ran (those allowed on the item's surface), bank entries of the hash types matched
 * (as the banks stand now), the conversation and behaviour configurations of the versions that ran, the LLM policy,
 * and any detector that did raise the category. The local model's categories are known from its signals only.
 */
export async function detectorCoverage(
  q: Queryable, surface: string, runs: readonly TraceDetectorRun[], signals: readonly TraceSignal[], cascade: TraceCascade | null,
): Promise<{ category: string; detectors: string[] }[]> {
  const cover = new Map<string, Set<string>>();
  const add = (category: string, detector: string) => {
    const set = cover.get(category) ?? new Set<string>();
    set.add(detector);
    cover.set(category, set);
  };
  for (const s of signals) add(s.category, s.detector);
  const ran = new Map(runs.filter((r) => !r.shadow).map((r) => [r.detector, r.versions]));
  for (const [detector, versions] of ran) {
    for (const category of await categoriesOf(q, detector, versions, surface)) add(category, detector);
  }
  if (cascade && !cascade.asked) {
    for (const detector of cascade.detectors) {
      if (ran.has(detector)) continue;
      for (const category of await categoriesOf(q, detector, {}, surface)) add(category, `${detector} (if asked)`);
    }
  }
  return [...cover].map(([category, set]) => ({ category, detectors: [...set].sort() })).sort((a, b) => a.category.localeCompare(b.category));
}

async function configAt<T>(q: Queryable, kind: ConfigKind, version: string | number | undefined): Promise<T | null> {
  const v = Number(version);
  const row = Number.isInteger(v) && v > 0 ? await configVersion<T>(q, kind, v) : await latestConfig<T>(q, kind);
  return row?.document ?? null;
}

async function categoriesOf(q: Queryable, detector: string, versions: Record<string, string | number>, surface: string): Promise<string[]> {
  const hashTypes = HASH_TYPES_OF[detector];
  if (hashTypes) return bankCategoriesOfTypes(q, hashTypes);
  try {
    switch (detector) {
      case 'text.rules': {
        const doc = await configAt<RulesDocument>(q, 'rules', versions.rules);
        return (doc?.rules.rules ?? [])
          .filter((r) => !r.when?.surfaces || r.when.surfaces.includes(surface))
          .map((r) => r.category);
      }
      case 'conversation.risk': {
        const doc = await configAt<unknown>(q, 'conversation_risk', versions.conversation_risk);
        if (doc === null) return [];
        const c = parseConversationRiskConfig(doc);
        return [c.groomingCategory, c.sextortionCategory];
      }
      case 'behaviour.contacts': {
        const doc = await configAt<unknown>(q, 'behaviour', versions.behaviour);
        return doc === null ? [] : categoryFields(parseBehaviourConfig(doc));
      }
      case 'llm.policy': {
        const doc = await configAt<{ categories?: { id: string }[] }>(q, 'llm_policy', versions.llm_policy);
        return (doc?.categories ?? []).map((c) => c.id);
      }
      default:
        return [];
    }
  } catch {
    // A configuration that no longer parses says nothing about coverage; the signals still do.
    return [];
  }
}

/** Every `category` of an enabled rule in a configuration object. */
function categoryFields(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(categoryFields);
  const o = value as Record<string, unknown>;
  const own = typeof o.category === 'string' && o.enabled !== false ? [o.category] : [];
  return [...own, ...Object.values(o).flatMap(categoryFields)];
}
