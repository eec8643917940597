import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { CONFIG_SCHEMAS } from '../../configuration/service.js';
import type { Permission } from '../../core/roles.js';
import { configVersion, type ConfigKind, listConfigVersions } from '../../store/repos/config.js';
import { HttpError, zodToHttp } from '../errors.js';
import type { RouteTable } from '../route.js';

const KINDS: { kind: ConfigKind; path: string; write: Permission; what: string }[] = [
  { kind: 'taxonomy', path: 'taxonomy', write: 'taxonomy:write', what: 'the child-safety taxonomy' },
  { kind: 'policy', path: 'policy', write: 'policy:write', what: 'the enforcement policy (thresholds and actions per category and surface)' },
  { kind: 'conversation_risk', path: 'conversation-risk', write: 'policy:write', what: 'the conversation risk scoring (indicator weights, decay, threshold)' },
  { kind: 'behaviour', path: 'behaviour', write: 'policy:write', what: 'the behaviour signal windows and thresholds' },
  { kind: 'llm_policy', path: 'llm-policy', write: 'policy:write', what: 'the written policy the LLM classifies against (definitions, neutral examples, edge cases)' },
  { kind: 'review', path: 'review/config', write: 'review:configure', what: 'review operations: queues (filters, SLA, team, clearance, escalation target), wellness defaults and exposure limits, QA sampling, second review' },
  { kind: 'ops_targets', path: 'ops/targets', write: 'review:configure', what: 'the targets the operations dashboard measures against' },
  { kind: 'cascade', path: 'cascade', write: 'policy:write', what: 'when the LLM is asked, per category (never, uncertain band, confirm, always), and shadow mode' },
];

/** Versioned configuration: read the current or any past version, deploy a new one with a reason. */
export function configRoutes(routes: RouteTable, haven: Haven): void {
  for (const { kind, path, write, what } of KINDS) {
    routes.add({
      method: 'GET', url: `/v1/${path}`, tag: 'configuration', access: 'taxonomy:read', summary: `The current version of ${what}`,
      query: z.strictObject({ version: z.coerce.number().int().positive().optional() }),
      async handler({ query }) {
        const v = query.version ? await configVersion(haven.store.db, kind, query.version) : await haven.configs.latest(kind);
        if (!v) throw new HttpError(404, 'not_found', `${kind} version ${query.version ?? 'latest'} not found`);
        return { ...v, createdAt: new Date(v.createdAt).toISOString() };
      },
    });
    routes.add({
      method: 'GET', url: `/v1/${path}/versions`, tag: 'configuration', access: 'taxonomy:read', summary: `Every version of ${what}`,
      async handler() {
        return { versions: (await listConfigVersions(haven.store.db, kind)).map((v) => ({ ...v, createdAt: new Date(v.createdAt).toISOString() })) };
      },
    });
    routes.add({
      method: 'PUT', url: `/v1/${path}`, tag: 'configuration', access: write, summary: `Deploy a new version of ${what}`,
      body: z.strictObject({ document: z.unknown(), reason: z.string().trim().min(3).max(2000) }),
      async handler({ body, principal }) {
        const parsed = CONFIG_SCHEMAS[kind].safeParse(body.document);
        if (!parsed.success) throw zodToHttp(parsed.error, 'document');
        const saved = await haven.configs.deploy(kind, parsed.data, body.reason, principal ? principalLabel(principal) : 'unknown');
        return { ...saved, createdAt: new Date(saved.createdAt).toISOString() };
      },
    });
  }
}
