/** Accounts the end-to-end server seeds, one per role. Test-only passwords. */
import { execFileSync } from "node:child_process";
import type { RoleName } from "@/lib/auth/permissions";

/**
 * A port that is free now, unless E2E_PORT names one. Chosen once, in Playwright's main process,
 * and exported to the environment, so its workers and the web server (e2e/serve.ts) inherit it.
 */
function freePort(): number {
  const script = "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}
export const E2E_PORT = Number((process.env.E2E_PORT ||= String(freePort())));
export const E2E_PASSWORD = "e2e-password-not-for-production";

export const E2E_USERS: Record<RoleName, { email: string; name: string }> = {
  ADMIN: { email: "admin@e2e.test", name: "E2E Admin" },
  ANALYST: { email: "analyst@e2e.test", name: "E2E Analyst" },
  OPERATOR: { email: "operator@e2e.test", name: "E2E Operator" },
};

export const storageStatePath = (role: RoleName) => `e2e/.auth/${role.toLowerCase()}.json`;

/**
 * "Without a reload": marks the loaded document; `stillSameDocument` is true only if no navigation
 * replaced it since. (Counting `framenavigated` events also counted the app router's own
 * history.replaceState after a late hydration, which is not a reload.)
 */
export const markDocument = (page: import("@playwright/test").Page) => page.evaluate(() => Object.assign(window, { __vigilDocumentMark: true }));
export const stillSameDocument = (page: import("@playwright/test").Page) => page.evaluate(() => (window as { __vigilDocumentMark?: boolean }).__vigilDocumentMark === true);
