/**
 * The session-signing secret: NEXTAUTH_SECRET when set; otherwise one generated on first run and
 * kept in the data folder, so sessions survive restarts without any configuration.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getEnv } from "@/lib/env";

let cached: string | undefined;

export function getAuthSecret(): string {
  if (cached) return cached;
  const env = getEnv();
  if (env.NEXTAUTH_SECRET) return (cached = env.NEXTAUTH_SECRET);
  const dir = path.resolve(env.VIGIL_DATA_DIR);
  const file = path.join(dir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  }
  cached = readFileSync(file, "utf8").trim();
  process.env.NEXTAUTH_SECRET = cached;
  return cached;
}
