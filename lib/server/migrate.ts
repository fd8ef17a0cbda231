/**
 * Applies pending migrations with the Prisma CLI (`prisma migrate deploy`). Offline machines use
 * the WebAssembly schema engine (PRISMA_MIGRATE_WASM=1, the default here); see prisma/engine.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function migrateDeploy(databaseUrl: string, cwd = process.cwd()): Promise<string> {
  const bin = path.join(cwd, "node_modules", ".bin", "prisma");
  const { stdout } = await run(bin, ["migrate", "deploy"], {
    cwd,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_MIGRATE_WASM: process.env.PRISMA_MIGRATE_WASM ?? "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    maxBuffer: 10 * 1024 * 1024,
  });
  return stdout;
}
