/**
 * Against a real Prometheus (Debian's `prometheus` package, /usr/bin/prometheus) scraping itself
 * every second: the range query, label mapping, NaN/Inf skipping and the incremental window.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withTestDatabase } from "@/test/test-database";
import { freePort } from "@/test/free-port";
import { waitFor } from "@/test/wait-for";
import { getPrisma } from "@/lib/server/db";
import { createSource } from "@/lib/server/queries/sources";
import { fetchPrometheus, pollWindow } from "@/lib/connectors/prometheus";
import { pollSource } from "@/lib/connectors/poll";
import { testSourceConfig } from "@/lib/connectors/test-source";
import { runImport } from "@/lib/connectors/prometheus-import";

withTestDatabase();
vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));

const BINARY = "/usr/bin/prometheus";
let proc: ChildProcess | undefined;
let dir = "";
let baseUrl = "";

/** When Prometheus last scraped itself (ms), 0 before its first sample. */
async function latestUpMs(): Promise<number> {
  const res = await fetch(`${baseUrl}/api/v1/query?query=timestamp(up)`).catch(() => null);
  if (!res?.ok) return 0;
  const body = await res.json();
  return Number(body.data?.result?.[0]?.value?.[1] ?? 0) * 1000;
}

async function samplesOfUp(): Promise<number> {
  const now = Date.now() / 1000;
  const res = await fetch(`${baseUrl}/api/v1/query_range?query=up&start=${now - 60}&end=${now}&step=1`).catch(() => null);
  if (!res?.ok) return 0;
  const body = await res.json();
  return body.data?.result?.[0]?.values?.length ?? 0;
}

describe.skipIf(!existsSync(BINARY))("Prometheus connector against a real Prometheus", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "vigil-prom-"));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      path.join(dir, "prometheus.yml"),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`,
    );
    proc = spawn(BINARY, [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    const deadline = Date.now() + 30_000;
    while ((await samplesOfUp()) < 4) {
      if (Date.now() > deadline) throw new Error("Prometheus did not collect samples within 30 s");
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 60_000);
  afterAll(() => {
    proc?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("maps __name__ to the metric and the other labels to labels", async () => {
    const config = { baseUrl, query: "up", step: 1, interval: 15 };
    const r = await fetchPrometheus(config, pollWindow(config, null), 5_000);
    expect(r.skippedNonFinite).toBe(0);
    const [s] = [...r.batch.series.values()];
    expect(s).toMatchObject({ metric: "up", labels: { instance: expect.stringContaining("127.0.0.1:"), job: "self" } });
    expect(s.values.every((v) => v === 1)).toBe(true);
    expect(s.ms.length).toBeGreaterThanOrEqual(4);
  });

  it("skips and counts NaN and Inf samples", async () => {
    const config = { baseUrl, query: "up / 0", step: 1, interval: 15 };
    const r = await fetchPrometheus(config, pollWindow(config, null), 5_000);
    expect(r.batch.points).toBe(0);
    expect(r.skippedNonFinite).toBeGreaterThanOrEqual(4);
    expect(await testSourceConfig("PROMETHEUS", config)).toEqual({
      ok: false,
      error: expect.stringMatching(/^query up \/ 0 returned no samples from .* \(\d+ NaN\/Inf skipped\)$/),
    });
  });

  it("a bad query is reported with Prometheus's own message", async () => {
    expect(await testSourceConfig("PROMETHEUS", { baseUrl, query: "up{", step: 1, interval: 15 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^HTTP 400 from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query_range\?query=up%7B.*bad_data/),
    });
  });

  it("polls incrementally from the last stored point; the overlap rewrites nothing", async () => {
    const s = await createSource({ name: "prom", kind: "PROMETHEUS", config: { baseUrl, query: "up", step: 1, interval: 15 } }, null);
    const first = await pollSource(s.id);
    expect(first).toMatchObject({ status: "ok", series: 1 });
    const count = () => getPrisma().dataPoint.count({ where: { series: { sourceId: s.id } } });
    const n1 = await count();
    const last = (await getPrisma().dataPoint.findFirstOrThrow({ where: { series: { sourceId: s.id } }, orderBy: { ts: "desc" } })).ts;
    // Wait for Prometheus to have scraped past the next step after what is stored (not for a fixed
    // time): the range query answers on the step grid, so a sample newer than the last stored step
    // but before the next one adds nothing yet.
    await waitFor("a sample past the next step", async () => (await latestUpMs()) > last.getTime() + 1000, 30_000, 200);
    const second = await pollSource(s.id);
    expect(second).toMatchObject({ status: "ok", accepted: expect.any(Number) });
    expect((second as { accepted: number }).accepted).toBeGreaterThan(0);
    // The overlap re-reads stored samples and rewrites none of them; only newer ones are added.
    expect(await getPrisma().dataPoint.count({ where: { series: { sourceId: s.id }, ts: { lte: last } } })).toBe(n1);
    expect(await count()).toBeGreaterThan(n1);
    const rows = await getPrisma().dataPoint.findMany({ where: { series: { sourceId: s.id } }, orderBy: { ts: "asc" } });
    expect(new Set(rows.map((r) => r.ts.getTime())).size).toBe(rows.length);
  });

  it("imports a past range in bounded chunks; a run cut short resumes from its cursor and rewrites nothing", async () => {
    await waitFor("14 s of history", async () => (await samplesOfUp()) >= 14, 30_000, 200);
    const latest = await latestUpMs();
    const to = Math.floor(latest / 1000) * 1000 - 1000;
    const from = to - 10_000;
    const config = { baseUrl, query: "up", step: 1, interval: 15 };
    const direct = await fetchPrometheus(config, { start: new Date(from), end: new Date(to) }, 5_000);
    const n = direct.batch.points;
    expect(n).toBeGreaterThanOrEqual(9);
    const s = await createSource({ name: "prom-history", kind: "PROMETHEUS", config }, null);
    const prisma = getPrisma();
    const imp = await prisma.sourceImport.create({ data: { sourceId: s.id, fromTs: new Date(from), toTs: new Date(to), cursorTs: new Date(from) } });
    expect(await runImport(imp.id, { maxSteps: 3 })).toEqual({ status: "DONE", points: n, chunks: 4 });
    const stored = await prisma.dataPoint.findMany({ where: { series: { sourceId: s.id } }, orderBy: { ts: "asc" } });
    expect(stored.map((p) => p.ts.getTime())).toEqual(direct.batch.series.values().next().value!.ms);
    expect(await prisma.sourceImport.findUniqueOrThrow({ where: { id: imp.id } })).toMatchObject({ status: "DONE", points: n, cursorTs: new Date(to) });
    expect(await runImport(imp.id)).toEqual({ status: "skipped", points: 0, chunks: 0 });

    // Runs with no time left stop between chunks; each resumes from the stored cursor.
    const again = await prisma.sourceImport.create({ data: { sourceId: s.id, fromTs: new Date(from), toTs: new Date(to), cursorTs: new Date(from) } });
    let runs = 0;
    let last;
    do {
      last = await runImport(again.id, { maxSteps: 2, budgetMs: -1 });
      runs++;
    } while (last.status === "RUNNING" && runs < 50);
    expect(last.status).toBe("DONE");
    expect(runs).toBeGreaterThan(1);
    expect(await prisma.dataPoint.count({ where: { series: { sourceId: s.id } } })).toBe(n);

    // A Prometheus that refuses the query fails the import with its message.
    await prisma.dataSource.update({ where: { id: s.id }, data: { config: { ...config, query: "up{" } } });
    const bad = await prisma.sourceImport.create({ data: { sourceId: s.id, fromTs: new Date(from), toTs: new Date(to), cursorTs: new Date(from) } });
    expect(await runImport(bad.id)).toMatchObject({ status: "FAILED" });
    expect((await prisma.sourceImport.findUniqueOrThrow({ where: { id: bad.id } })).error).toMatch(/^HTTP 400 from .*bad_data/);
  }, 60_000);
});
