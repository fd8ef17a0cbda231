/**
 * docker-compose.yml cannot run here (no Docker engine): it is checked by reading. It parses, the
 * monitoring profile adds Prometheus and Grafana, every file they mount exists, and what they are
 * configured with agrees with Vigil (metrics ports and paths, the datasource the dashboard names).
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { ENV_NAMES, parseEnv } from "@/lib/env";
import { Registry } from "prom-client";
import { getProcessMetrics } from "@/lib/metrics/registry";
import { createMetrics } from "@/lib/metrics/definitions";

const root = path.resolve(import.meta.dirname, "..");
const read = (p: string) => readFileSync(path.join(root, p), "utf8");

interface Service {
  profiles?: string[];
  image?: string;
  build?: string;
  environment?: Record<string, string | number>;
  volumes?: string[];
  configs?: { source: string; target: string }[];
  ports?: string[];
  command?: string[];
  stop_grace_period?: string;
}
const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service>; configs: Record<string, { content?: string }>; volumes: Record<string, unknown> };
const prometheus = parse(read("deploy/prometheus/prometheus.yml"));
const dashboard = JSON.parse(read("deploy/grafana/dashboards/vigil.json"));

/** Variables the processes read outside lib/env.ts. */
const READ_DIRECTLY = ["VIGIL_SERVICE", "PORT", "NODE_ENV"];

describe("docker-compose.yml", () => {
  it("parses, and the monitoring profile adds only Prometheus and Grafana", () => {
    const monitoring = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes("monitoring")).map(([n]) => n);
    expect(monitoring.sort()).toEqual(["grafana", "prometheus"]);
    for (const name of ["postgres", "redis", "web", "worker"]) expect(compose.services[name].profiles).toBeUndefined();
  });

  it("mounts files and folders that exist, and named volumes that are declared", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const [source] = v.split(":");
        if (source.startsWith(".")) expect(existsSync(path.join(root, source)), `${name} mounts ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name} uses volume ${source}`).toContain(source);
      }
      for (const c of s.configs ?? []) expect(Object.keys(compose.configs)).toContain(c.source);
    }
  });

  it("runs the worker as package.json's start:worker, with a stop grace period above its shutdown timeout", () => {
    const worker = compose.services.worker;
    expect(worker.command).toEqual(JSON.parse(read("package.json")).scripts["start:worker"].split(" "));
    const grace = /^(\d+)s$/.exec(worker.stop_grace_period ?? "10s");
    expect(Number(grace?.[1])).toBeGreaterThanOrEqual(parseEnv(Object.fromEntries(Object.entries(worker.environment ?? {}).map(([k, v]) => [k, String(v)]))).VIGIL_SHUTDOWN_TIMEOUT_MS / 1000 + 10);
  });

  it("has package.json's start:web listen on VIGIL_HOST, with lib/env.ts's default (next start alone listens everywhere)", () => {
    const script: string = JSON.parse(read("package.json")).scripts["start:web"];
    expect(script).toMatch(/^next start -H \$\{VIGIL_HOST:-([^}]+)\}$/);
    expect(/:-([^}]+)\}/.exec(script)?.[1]).toBe(parseEnv({}).VIGIL_HOST);
  });

  it("gives web and worker only variables Vigil reads", () => {
    for (const name of ["web", "worker"]) {
      for (const key of Object.keys(compose.services[name].environment ?? {})) expect([...ENV_NAMES, ...READ_DIRECTLY], `${name}: ${key}`).toContain(key);
    }
  });

  it("has Prometheus scrape the web's /api/metrics and each worker's metrics port, with the token file compose mounts", () => {
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((j: { job_name: string }) => [j.job_name, j]));
    expect(jobs["vigil-web"].metrics_path).toBe("/api/metrics");
    expect(existsSync(path.join(root, "app/api/metrics/route.ts"))).toBe(true);
    expect(jobs["vigil-web"].static_configs[0].targets).toEqual(["web:3000"]);
    expect(compose.services.web.ports).toContain("3000:3000");
    const workerPort = Number(compose.services.worker.environment?.VIGIL_WORKER_METRICS_PORT);
    expect(jobs["vigil-worker"].metrics_path).toBe("/metrics");
    expect(jobs["vigil-worker"].dns_sd_configs[0]).toMatchObject({ names: ["worker"], port: workerPort });
    const tokenTarget = compose.services.prometheus.configs?.[0].target;
    for (const j of Object.values(jobs) as { authorization: { credentials_file: string } }[]) expect(j.authorization.credentials_file).toBe(tokenTarget);
    expect(compose.services.prometheus.volumes).toContain("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
  });

  it("provisions Grafana with the datasource the dashboard's panels name, and loads the dashboard from where it is mounted", () => {
    const ds = parse(read("deploy/grafana/provisioning/datasources/prometheus.yml")).datasources[0];
    expect(ds).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
    const uids = new Set<string>(dashboard.panels.filter((p: { type: string }) => p.type !== "row").map((p: { datasource: { uid: string } }) => p.datasource.uid));
    expect([...uids]).toEqual([ds.uid]);
    const provider = parse(read("deploy/grafana/provisioning/dashboards/vigil.yml")).providers[0];
    const mounts = compose.services.grafana.volumes ?? [];
    expect(mounts).toContain(`./deploy/grafana/dashboards:${provider.options.path}:ro`);
    expect(mounts).toContain("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
    expect(compose.services.grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${provider.options.path}/vigil.json`);
  });
});

/** Every vigil_* name each panel's queries read, a histogram's _bucket/_sum/_count as the histogram. */
function drawnMetrics(panels: { type: string; targets?: { expr: string }[] }[]): Set<string> {
  const exprs = panels.filter((p) => p.type !== "row").flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  return new Set(exprs.flatMap((e) => [...e.matchAll(/\bvigil_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ""))));
}

describe("the Grafana dashboard", () => {
  it("draws every metric lib/metrics/definitions.ts defines in at least one panel", async () => {
    const registry = new Registry();
    createMetrics(registry, {});
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    const drawn = drawnMetrics(dashboard.panels);
    expect(names.filter((n) => !drawn.has(n))).toEqual([]);
  });

  it("has unique panel ids, a query in every panel, and names only metrics Vigil exports", async () => {
    const panels = dashboard.panels as { id: number; type: string; targets?: { expr: string }[] }[];
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const exported = new Set((await getProcessMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    for (const p of panels.filter((x) => x.type !== "row")) {
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets!) {
        const names = [...t.expr.matchAll(/\bvigil_[a-z0-9_]+/g)].map((m) => m[0]);
        expect(names.length).toBeGreaterThan(0);
        for (const n of names) expect(exported, t.expr).toContain(n.replace(/_(bucket|count|sum)$/, ""));
      }
    }
  });
});
