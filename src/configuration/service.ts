import type { z } from 'zod';
import { policySchema } from '../core/policy.js';
import { taxonomySchema } from '../core/taxonomy.js';
import type { Clock } from '../core/clock.js';
import { rulesDocumentSchema } from '../detectors/text/rules/format.js';
import { behaviourConfigSchema } from '../detectors/behaviour/config.js';
import { conversationRiskConfigSchema } from '../detectors/conversation/config.js';
import { llmPolicySchema } from '../detectors/llm/policy/schema.js';
import { cascadeConfigSchema } from '../pipeline/cascade/config.js';
import { reviewConfigSchema } from '../review/config.js';
import { opsTargetsSchema } from '../review/ops/targets.js';
import type { Store } from '../store/db.js';
import { appendAudit } from '../store/repos/audit.js';
import { type ConfigKind, type ConfigVersion, latestConfig, saveConfigVersion } from '../store/repos/config.js';
import { appendEvents } from '../store/repos/events.js';

export const CONFIG_SCHEMAS: Record<ConfigKind, z.ZodType> = {
  taxonomy: taxonomySchema,
  policy: policySchema,
  rules: rulesDocumentSchema,
  conversation_risk: conversationRiskConfigSchema,
  behaviour: behaviourConfigSchema,
  cascade: cascadeConfigSchema,
  llm_policy: llmPolicySchema,
  review: reviewConfigSchema,
  ops_targets: opsTargetsSchema,
};

/**
 * Versioned configuration edited by people (taxonomy, policy thresholds, term lists). A change is a new version
 * with an author and a reason, audited and recorded as `config_deployed`; the pipeline picks it up on its next batch.
 */
export class ConfigService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  latest<T>(kind: ConfigKind): Promise<ConfigVersion<T> | null> {
    return latestConfig<T>(this.store.db, kind);
  }

  async deploy(kind: ConfigKind, document: unknown, reason: string, actor: string): Promise<ConfigVersion<unknown>> {
    const parsed = CONFIG_SCHEMAS[kind].parse(document);
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const saved = await saveConfigVersion(trx, kind, parsed, actor, reason, now);
      await appendAudit(trx, { actor, action: `config.${kind}.deploy`, targetType: 'config', targetId: `${kind}@${saved.version}`, details: { reason } }, now);
      await appendEvents(trx, [{
        type: 'config_deployed', itemId: null, accountId: null, actor, versions: { [kind]: saved.version }, payload: { kind, reason },
      }], now);
      return saved;
    });
  }
}
