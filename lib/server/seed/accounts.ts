/**
 * Demo accounts: one per role, each with a generated password that is printed once and kept in
 * the data folder (mode 600) so a second run can say where to find it. Nothing is reset on re-runs.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatePassword } from "@/lib/auth/password";
import type { RoleName } from "@/lib/auth/permissions";
import { createUser, countUsers, findUserByEmail } from "@/lib/server/queries/users";
import { bootstrapAdminFromEnv } from "@/lib/server/bootstrap";

const DEMO: { email: string; name: string; role: RoleName }[] = [
  { email: "admin@vigil.local", name: "Demo Admin", role: "ADMIN" },
  { email: "analyst@vigil.local", name: "Demo Analyst", role: "ANALYST" },
  { email: "operator@vigil.local", name: "Demo Operator", role: "OPERATOR" },
];

export interface SeededAccount {
  email: string;
  role: RoleName;
  password?: string;
}

export async function seedDemoAccounts(dataDir: string): Promise<{ accounts: SeededAccount[]; credentialsFile: string }> {
  const credentialsFile = path.resolve(dataDir, "demo-accounts.txt");
  if (await bootstrapAdminFromEnv()) return { accounts: [], credentialsFile };
  const fresh = (await countUsers()) === 0;
  const accounts: SeededAccount[] = [];
  for (const demo of DEMO) {
    if (await findUserByEmail(demo.email)) {
      accounts.push({ email: demo.email, role: demo.role });
      continue;
    }
    // Only a fresh install gets demo users; an installation with real users is left alone.
    if (!fresh) continue;
    const password = generatePassword(randomBytes);
    await createUser({ ...demo, password });
    accounts.push({ email: demo.email, role: demo.role, password });
  }
  const created = accounts.filter((a) => a.password);
  if (created.length) {
    mkdirSync(path.dirname(credentialsFile), { recursive: true });
    const previous = existsSync(credentialsFile) ? readFileSync(credentialsFile, "utf8") : "";
    const lines = created.map((a) => `${a.role.padEnd(8)} ${a.email}  ${a.password}`).join("\n");
    writeFileSync(credentialsFile, `${previous}${lines}\n`, { mode: 0o600 });
  }
  return { accounts, credentialsFile };
}
