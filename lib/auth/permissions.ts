/**
 * The one RBAC table. The server checks it in every route handler, server action and page; the UI
 * reads the same table (useCan) to hide what a role may not do.
 */
export const ROLES = ["ADMIN", "ANALYST", "OPERATOR"] as const;
export type RoleName = (typeof ROLES)[number];

export const PERMISSIONS = [
  "overview:read",
  "sources:read",
  "sources:write",
  "detectors:read",
  "detectors:write",
  "anomalies:read",
  /** Acknowledge, resolve, silence or reopen. */
  "anomalies:triage",
  /** Decide who owns an incident: the operations team's call. */
  "anomalies:assign",
  "anomalies:comment",
  "anomalies:label",
  "alerts:read",
  "alerts:write",
  "silences:write",
  "users:manage",
  "audit:read",
  "system:ping",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ["overview:read", "sources:read", "detectors:read", "anomalies:read", "alerts:read"];

export const ROLE_PERMISSIONS: Record<RoleName, readonly Permission[]> = {
  ADMIN: PERMISSIONS,
  ANALYST: [...READ, "anomalies:label", "anomalies:triage", "anomalies:comment"],
  OPERATOR: [...READ, "anomalies:triage", "anomalies:assign", "anomalies:comment", "silences:write"],
};

export function can(role: RoleName | undefined | null, permission: Permission): boolean {
  return !!role && ROLE_PERMISSIONS[role].includes(permission);
}

export const ROLE_LABELS: Record<RoleName, string> = {
  ADMIN: "Admin",
  ANALYST: "Analyst",
  OPERATOR: "Operator",
};

/**
 * What a personal API token may do now: its scopes intersected with the owner's current role, so a
 * demotion narrows every token at once. Unknown scope strings (a permission since removed) are dropped.
 */
export function tokenPermissions(role: RoleName, scopes: readonly string[]): Permission[] {
  return ROLE_PERMISSIONS[role].filter((p) => scopes.includes(p));
}

export function tokenCan(role: RoleName | undefined | null, scopes: readonly string[], permission: Permission): boolean {
  return !!role && tokenPermissions(role, scopes).includes(permission);
}
