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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['items:read', 'banks:read', 'banks:write', 'taxonomy:read', 'users:manage', 'audit:read'],
  ops_manager: ['items:read', 'banks:read', 'taxonomy:read', 'audit:read'],
  reviewer: ['items:read', 'media:view', 'banks:read', 'taxonomy:read'],
  senior_reviewer: ['items:read', 'items:classify', 'media:view', 'banks:read', 'banks:write', 'taxonomy:read'],
  investigator: ['items:read', 'items:classify', 'media:view', 'banks:read', 'taxonomy:read', 'audit:read'],
  analyst: ['items:read', 'banks:read', 'taxonomy:read'],
  legal: ['items:read', 'media:view', 'banks:read', 'taxonomy:read', 'audit:read'],
  policy: ['items:read', 'items:classify', 'banks:read', 'taxonomy:read', 'taxonomy:write', 'policy:write'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) if (isRole(r)) for (const p of ROLE_PERMISSIONS[r]) out.add(p);
  return out;
}
