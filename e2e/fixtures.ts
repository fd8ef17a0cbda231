/** Accounts the end-to-end server seeds, one per role. Test-only passwords. */
import type { RoleName } from "@/lib/auth/permissions";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_PASSWORD = "e2e-password-not-for-production";

export const E2E_USERS: Record<RoleName, { email: string; name: string }> = {
  ADMIN: { email: "admin@e2e.test", name: "E2E Admin" },
  ANALYST: { email: "analyst@e2e.test", name: "E2E Analyst" },
  OPERATOR: { email: "operator@e2e.test", name: "E2E Operator" },
};

export const storageStatePath = (role: RoleName) => `e2e/.auth/${role.toLowerCase()}.json`;
