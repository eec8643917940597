// Who may do what. Routes name a permission; roles grant permissions; API keys carry scopes that are permissions.
export const ROLES = [
  'admin', 'ops_manager', 'reviewer', 'senior_reviewer', 'investigator', 'analyst', 'legal', 'policy',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'items:write', // ingest items (platform clients)
  'items:read', // items, decisions, traces, hashes and blurred previews
  'items:classify', // run the detection cascade on an item without storing it (dry runs, in-line GenAI checks)
  'media:view', // original media bytes: audited on every access
  'banks:read',
  'banks:write',
  'taxonomy:read',
  'taxonomy:write',
  'policy:write',
  'users:manage',
  'audit:read',
  'evidence:read', // preserved evidence snapshots and files: audited on every access
  'evidence:manage', // place and lift legal holds
  'reports:read', // CyberTipline report jobs: restricted to the child-safety legal and investigation roles
  'reports:approve', // approve, retract and classify report files (legal only)
  'appeals:write', // file an appeal against a decision (platform clients)
  'appeals:decide', // uphold or overturn an appeal
  'review:decide', // claim review work and decide it
  'review:senior', // second review, QA, escalations: queues that need senior clearance
  'review:lead', // bulk decisions over a query, assigning work to a named colleague
  'review:configure', // queues, wellness defaults and exposure limits, QA sampling, dashboard targets, reviewer profiles
  'ops:read', // the operations dashboard and every reviewer's exposure
  'investigations:read', // escalations, their root causes, remediation and postmortems
  'investigations:write', // open and work escalations; put labels on entities; snooze a rule for one entity
  'proposals:write', // propose a change from an escalation and backtest it
  'proposals:approve', // approve (a second person) and deploy a proposed change of policy, rules or prompts
  'analytics:read', // trends, spikes, tactics, networks
  'analytics:sql', // the read-only SQL console over the documented views
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    'items:read', 'banks:read', 'banks:write', 'taxonomy:read', 'users:manage', 'audit:read', 'investigations:read',
    'investigations:write', 'proposals:write',
  ],
  ops_manager: ['items:read', 'banks:read', 'taxonomy:read', 'audit:read', 'review:lead', 'review:configure', 'ops:read', 'analytics:read'],
  reviewer: ['items:read', 'media:view', 'banks:read', 'taxonomy:read', 'review:decide'],
  senior_reviewer: [
    'items:read', 'items:classify', 'media:view', 'banks:read', 'banks:write', 'taxonomy:read', 'appeals:decide', 'review:decide',
    'review:senior', 'review:lead',
  ],
  investigator: [
    'items:read', 'items:classify', 'media:view', 'banks:read', 'taxonomy:read', 'audit:read', 'reports:read', 'evidence:read',
    'investigations:read', 'investigations:write', 'proposals:write', 'analytics:read',
  ],
  analyst: ['items:read', 'banks:read', 'taxonomy:read', 'analytics:read', 'analytics:sql'],
  legal: ['items:read', 'media:view', 'banks:read', 'taxonomy:read', 'audit:read', 'reports:read', 'reports:approve', 'evidence:read', 'evidence:manage'],
  policy: ['items:read', 'items:classify', 'banks:read', 'taxonomy:read', 'taxonomy:write', 'policy:write', 'proposals:write', 'proposals:approve'],
};

/**
 * What an API key may carry: what a platform's servers need (submit and read items, classify in-line, file appeals,
 * read banks and the taxonomy). Never a human's work: no media or evidence bytes, reports, review or appeal
 * decisions, approvals, audit, user management, investigations or analytics. Otherwise whoever may create keys
 * (admin) could mint themselves access their role withholds, outside any person's name.
 */
export const API_KEY_SCOPES: readonly Permission[] = ['items:write', 'items:read', 'items:classify', 'appeals:write', 'banks:read', 'taxonomy:read'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) if (isRole(r)) for (const p of ROLE_PERMISSIONS[r]) out.add(p);
  return out;
}
