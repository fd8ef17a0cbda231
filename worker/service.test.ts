/** A worker started as `npm run start:worker` (no VIGIL_SERVICE) logs as "worker", not "web". */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const { VIGIL_SERVICE: _omit, VITEST: _v, ...env } = process.env;

function serviceLogged(imports: string[]): string {
  const code = `${imports.map((m) => `await import(${JSON.stringify(m)});`).join(" ")} const { logger } = await import("./lib/logger.ts"); logger.info("hello");`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", code], { cwd: root, env, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!).service;
}

describe("the worker's service name", () => {
  it("is worker once worker/service.ts has loaded, and web without it", () => {
    expect(serviceLogged(["./worker/service.ts"])).toBe("worker");
    expect(serviceLogged([])).toBe("web");
  });

  it("is set by worker/index.ts's first import, before anything loads the logger", () => {
    const firstImport = readFileSync(path.join(root, "worker/index.ts"), "utf8").match(/^import .*$/m)?.[0];
    expect(firstImport).toBe('import "@/worker/service";');
  });
});
