/**
 * Debian's real Prometheus, configured from deploy/prometheus/prometheus.yml (targets and token
 * file pointed at this test), scrapes the web route handler and a real worker process. After a
 * push, every PromQL expression of every panel of the Grafana dashboard returns data.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer as createHttpServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { parse, stringify } from "yaml";
import { withTestDatabase } from "@/test/test-database";
import { freePort } from "@/test/free-port";
import { withRouteQueues, routeContext } from "@/test/route-requests";
import { REDIS_URL } from "@/test/databases";
import { waitFor } from "@/test/wait-for";
import { getPrisma } from "@/lib/server/db";
import { getQueueBackend } from "@/lib/server/queue";
import { enqueue } from "@/lib/queue/enqueue";
import { createSource } from "@/lib/server/queries/sources";
import { createSourceKey } from "@/lib/server/queries/api-keys";
import { sineWithSpikes } from "@/lib/pipeline/testing/fixtures";
import { forgetDetectionLag } from "@/lib/metrics/collectors";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createRule, createWebhookChannel } from "@/lib/alerting/testing/fixtures";
import { POST as ingestRoute } from "@/app/api/v1/ingest/route";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { GET as sourcesRoute } from "@/app/api/v1/sources/route";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));

const PROMETHEUS = "/usr/bin/prometheus";
const TOKEN = "dashboard-test-metrics-token";
const DASHBOARD = path.join(import.meta.dirname, "dashboards/vigil.json");
const PROMETHEUS_YML = path.join(import.meta.dirname, "../prometheus/prometheus.yml");
process.env.VIGIL_METRICS_TOKEN = TOKEN;
const db = withTestDatabase();
withRouteQueues(["detect", "system", "poll", "train"]);

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

let dir = "";
let prometheus: ChildProcess | undefined;
let worker: ChildProcess | undefined;
let workerLog = "";
let web: Server | undefined;
let promUrl = "";

/** The web process's metrics route behind a real HTTP port, for Prometheus to scrape. */
async function serveWebMetrics(port: number): Promise<Server> {
  const server = createHttpServer((req, res) => {
    if (req.url !== "/api/metrics") return void res.writeHead(404).end();
    void metricsRoute(new NextRequest(`http://127.0.0.1:${port}/api/metrics`, { headers: { authorization: req.headers.authorization ?? "" } })).then(async (r) => {
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/plain" }).end(await r.text());
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return server;
}

/** deploy/prometheus/prometheus.yml with this test's targets, token file, rule files and a 1 s interval. */
function prometheusConfig(webPort: number, workerPort: number, tokenFile: string): string {
  const config = parse(readFileSync(PROMETHEUS_YML, "utf8"));
  config.global.scrape_interval = "1s";
  config.rule_files = config.rule_files.map((f: string) => path.join(import.meta.dirname, "../prometheus/rules", path.basename(f)));
  const targets: Record<string, string> = { "vigil-web": `127.0.0.1:${webPort}`, "vigil-worker": `127.0.0.1:${workerPort}` };
  for (const job of config.scrape_configs) {
    expect(Object.keys(targets)).toContain(job.job_name);
    delete job.dns_sd_configs;
    job.static_configs = [{ targets: [targets[job.job_name]] }];
    job.authorization.credentials_file = tokenFile;
  }
  return stringify(config);
}

async function promQuery(expr: string): Promise<unknown[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await res.json();
  if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

/** Grafana's interval macros, as Grafana would expand them for a 1 s scrape interval. */
const expand = (expr: string) => expr.replaceAll("$__rate_interval", "30s").replaceAll("$__interval", "5s");

function dashboardExprs(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { panels: Panel[] };
  return dashboard.panels.filter((p) => p.type !== "row").flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: expand(t.expr) })));
}

describe.skipIf(!existsSync(PROMETHEUS))("the Grafana dashboard against a real Prometheus scraping web and worker", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "vigil-dash-"));
    const [webPort, workerPort, promPort] = [await freePort(), await freePort(), await freePort()];
    web = await serveWebMetrics(webPort);
    worker = spawn(process.execPath, ["--import", "tsx", "worker/index.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: db.url(),
        REDIS_URL,
        VIGIL_WORKER_METRICS_PORT: String(workerPort),
        VIGIL_METRICS_TOKEN: TOKEN,
        VIGIL_SERVICE: "worker",
        VIGIL_HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    worker.stdout?.on("data", (d) => (workerLog += d));
    worker.stderr?.on("data", (d) => (workerLog += d));
    await waitFor(
      "the worker's metrics endpoint",
      () => fetch(`http://127.0.0.1:${workerPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.ok, () => false),
      60_000,
      250,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; worker output: ${workerLog.slice(-2000)}`);
    });
    const tokenFile = path.join(dir, "token");
    writeFileSync(tokenFile, `${TOKEN}\n`);
    writeFileSync(path.join(dir, "prometheus.yml"), prometheusConfig(webPort, workerPort, tokenFile));
    promUrl = `http://127.0.0.1:${promPort}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: "ignore" });
    await waitFor("Prometheus scraping web and worker", async () => {
      const up = await promQuery("up == 1").catch(() => []);
      return up.length === 2;
    }, 60_000, 500);
  }, 120_000);

  afterAll(async () => {
    prometheus?.kill("SIGTERM");
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once("exit", r));
      worker.kill("SIGTERM");
      await exited;
    }
    await new Promise((r) => web?.close(r));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("after a push, every PromQL expression of every panel returns data", async () => {
    // A webhook channel and a rule for every anomaly (the points are an hour old: historical), so the worker delivers.
    const channel = await createWebhookChannel("http://placeholder.invalid");
    const hook = await startWebhookReceiver({ secret: channel.secret });
    await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 } } });
    await createRule(channel.id, { minSeverity: "LOW", includeHistorical: true });
    const source = await createSource({ name: "dash-push", kind: "HTTP_PUSH", config: {} }, null);
    const { key } = await createSourceKey(source.id, "k", null);
    const push = (body: unknown) =>
      ingestRoute(new NextRequest("http://localhost/api/v1/ingest", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) }));
    const t0 = Date.now() - 3_600_000;
    const values = sineWithSpikes(240, [200]);
    const at = (i: number) => new Date(t0 + i * 15_000).toISOString();
    expect((await push({ series: "latency", points: values.slice(0, 40).map((v, i) => [at(i), v]) })).status).toBe(200);
    const series = await getPrisma().series.findFirstOrThrow({ where: { sourceId: source.id } });
    await getPrisma().detector.create({
      data: { name: "latency-z", algorithm: "zscore", params: { window: 100, minPoints: 20, calibration: { enabled: false } }, series: { create: { seriesId: series.id } } },
    });
    expect((await push({ series: "latency", points: values.slice(40).map((v, i) => [at(40 + i), v]) })).status).toBe(200);
    forgetDetectionLag(); // the web shares one lag reading for 30 s; read the new detector now
    expect((await push({ series: "latency", points: [["yesterday-ish", 1]] })).status).toBe(422);
    // A signed-in API call, and a poll that fails (nothing listens on its port): a failed job and a poll error.
    expect((await sourcesRoute(new NextRequest("http://localhost/api/v1/sources"), routeContext())).status).toBe(200);
    const dead = await createSource({ name: "dash-dead", kind: "PROMETHEUS", config: { baseUrl: `http://127.0.0.1:${await freePort()}`, query: "up", step: 15, interval: 60 } }, null);
    await enqueue(await getQueueBackend(), "poll.source", { sourceId: dead.id });

    // And what they show is what happened: 240 points pushed (web) and scored (worker), a failed poll (worker).
    const scalar = async (expr: string) => Number(((await promQuery(expr)) as { value: [number, string] }[])[0]?.value[1] ?? NaN);
    const reaches = (expr: string, want: (v: number) => boolean) =>
      waitFor(expr, async () => want(await scalar(expr)), 30_000, 500).catch(async () => expect.fail(`${expr} = ${await scalar(expr)}`));
    await reaches('sum(vigil_points_ingested_total{job="vigil-web",source_kind="HTTP_PUSH"})', (v) => v === 240);
    await reaches('sum(vigil_points_scored_total{job="vigil-worker",algorithm="zscore"})', (v) => v === 240);
    await reaches('sum(vigil_ingest_requests_total{job="vigil-web",status="422"})', (v) => v === 1);
    await reaches('sum(vigil_jobs_failed_total{job="vigil-worker",queue="poll"})', (v) => v >= 1);
    await reaches('sum(vigil_source_errors_total{job="vigil-worker",source_kind="PROMETHEUS",stage="poll"})', (v) => v >= 1);
    await reaches('sum(vigil_anomalies_created_total{job="vigil-worker"})', (v) => v >= 1);
    await reaches('sum(vigil_deliveries_total{job="vigil-worker",channel_kind="webhook",outcome="sent"})', (v) => v >= 1);
    await hook.close();
    // Then every panel of the dashboard has data to draw.
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    let empty: string[] = [];
    await waitFor(
      "every dashboard query to return data",
      async () => {
        empty = [];
        for (const { panel, expr } of exprs) if ((await promQuery(expr)).length === 0) empty.push(`${panel}: ${expr}`);
        return empty.length === 0;
      },
      60_000,
      1_000,
    ).catch(() => undefined);
    expect(empty).toEqual([]);
  }, 120_000);
});
