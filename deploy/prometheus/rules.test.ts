/**
 * Vigil's alert rules with Debian's promtool: they load, their unit tests pass (alerts fire and
 * stay quiet as rules/vigil.test.yml says), the scrape config that loads them is valid, and they
 * name only metrics Vigil exports.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { getProcessMetrics } from "@/lib/metrics/registry";

const PROMTOOL = "/usr/bin/promtool";
const rulesDir = path.join(import.meta.dirname, "rules");
const promtool = (...args: string[]) => execFileSync(PROMTOOL, args, { cwd: rulesDir, encoding: "utf8", stdio: "pipe" });

describe.skipIf(!existsSync(PROMTOOL))("Prometheus alert rules", () => {
  it("load, and their unit tests pass", () => {
    expect(promtool("check", "rules", "vigil.yml")).toContain("SUCCESS: 7 rules found");
    expect(promtool("test", "rules", "vigil.test.yml")).toContain("SUCCESS");
  });

  it("are loaded by a valid prometheus.yml", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vigil-promcfg-"));
    try {
      const config = parse(readFileSync(path.join(import.meta.dirname, "prometheus.yml"), "utf8"));
      expect(config.rule_files).toEqual(["/etc/prometheus/rules/vigil.yml"]);
      config.rule_files = [path.join(rulesDir, "vigil.yml")];
      const token = path.join(dir, "token");
      writeFileSync(token, "");
      for (const job of config.scrape_configs) job.authorization.credentials_file = token;
      writeFileSync(path.join(dir, "prometheus.yml"), stringify(config));
      expect(promtool("check", "config", path.join(dir, "prometheus.yml"))).toContain("SUCCESS");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("name only metrics Vigil exports", async () => {
    const exported = new Set((await getProcessMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    const rules = parse(readFileSync(path.join(rulesDir, "vigil.yml"), "utf8")).groups.flatMap((g: { rules: { expr: string }[] }) => g.rules);
    for (const { expr } of rules) for (const [name] of expr.matchAll(/\bvigil_[a-z0-9_]+/g)) expect(exported, expr).toContain(name);
  });
});
