/**
 * The Kubernetes manifests, rendered (render.ts: the kustomize subset they use; compared with the
 * real `kubectl kustomize` where kubectl is installed) and checked by reading: every object against the Kubernetes schema (kubernetes-models), and against Vigil
 * itself: probes hit routes that exist, env names are ones Vigil reads, ports agree, and the
 * worker's grace period outlasts its shutdown timeout.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { ENV_NAMES, parseEnv } from "@/lib/env";
import { startMetricsServer } from "@/lib/metrics/server";
import { renderKustomization, strategicMerge, type K8sObject } from "./render";

const root = path.resolve(import.meta.dirname, "../..");
const base = renderKustomization(path.join(import.meta.dirname, "base"));
const external = renderKustomization(path.join(import.meta.dirname, "overlays/external"));

const MODELS: Record<string, { validate(): void } & (new (o: never) => { validate(): void })> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
} as never;

/**
 * package.json's start:worker: node with tsx's loader. The tsx command relays SIGTERM to its child
 * and SIGKILLs it when the child has not acknowledged within ~30 ms (an event loop busy scoring), so
 * the worker's graceful stop would be cut short.
 */
const WORKER_COMMAND = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts["start:worker"].split(" ");
it("package.json starts the worker with node and tsx's loader, not the tsx command", () => {
  expect(WORKER_COMMAND).toEqual(["node", "--import", "tsx", "worker/index.ts"]);
});

/** Variables Vigil's processes read outside lib/env.ts. */
const READ_DIRECTLY = ["VIGIL_SERVICE", "PORT", "NODE_ENV"];

interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: { cpu?: string; memory?: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: unknown;
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; terminationGracePeriodSeconds?: number };
}

const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as K8sObject & { spec: Record<string, unknown>; data?: Record<string, string> };
};
const template = (o: K8sObject) => (o as unknown as { spec: { template: PodTemplate } }).spec.template;
const vigilContainers = (objs: K8sObject[]) =>
  objs.flatMap((o) => {
    const t = (o as unknown as { spec?: { template?: PodTemplate } }).spec?.template;
    return (t?.spec.containers ?? []).filter((c) => /(^|\/)vigil(:|$)/.test(c.image)).map((c) => ({ owner: `${o.kind} ${o.metadata.name}`, c, t: t! }));
  });

describe.each([
  ["base", base],
  ["overlays/external", external],
])("deploy/kubernetes/%s", (_name, objects) => {
  it("is valid against the Kubernetes schemas, one name per kind", () => {
    expect(objects.length).toBeGreaterThanOrEqual(9);
    for (const o of objects) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion} ${o.kind} has a schema here`).toBeDefined();
      expect(() => new Model(o as never).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("gives Vigil's containers only variables Vigil reads, from the ConfigMap and the vigil-secrets Secret", () => {
    const config = find(objects, "ConfigMap", "vigil-config");
    const allowed = [...ENV_NAMES, ...READ_DIRECTLY];
    for (const key of Object.keys(config.data ?? {})) expect(allowed, `ConfigMap key ${key}`).toContain(key);
    expect(() => parseEnv(config.data ?? {})).not.toThrow();
    const containers = vigilContainers(objects);
    expect(containers.map((x) => x.owner).sort()).toEqual(["Deployment vigil-web", "Deployment vigil-worker", "Job vigil-migrate"]);
    for (const { owner, c } of containers) {
      for (const e of c.env ?? []) {
        expect(allowed, `${owner}: ${e.name}`).toContain(e.name);
        if (e.valueFrom?.secretKeyRef) expect(e.valueFrom.secretKeyRef).toMatchObject({ name: "vigil-secrets", key: e.name });
      }
      for (const f of c.envFrom ?? []) expect(f.configMapRef?.name).toBe("vigil-config");
      expect(c.env?.map((e) => e.name)).toContain("DATABASE_URL");
      expect(c.resources?.requests?.cpu && c.resources.requests.memory, `${owner} requests cpu and memory`).toBeTruthy();
    }
  });

  it("selects its own pods: Deployments, Services, PDBs and the HPA agree on labels and names", () => {
    for (const o of objects.filter((x) => x.kind === "Deployment" || x.kind === "StatefulSet")) {
      const spec = (o as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }).spec;
      expect(template(o).metadata.labels).toMatchObject(spec.selector.matchLabels);
    }
    const pods = objects.filter((x) => x.kind === "Deployment" || x.kind === "StatefulSet").map(template);
    for (const o of objects.filter((x) => x.kind === "Service" || x.kind === "PodDisruptionBudget")) {
      const spec = o.spec as { selector: Record<string, string> & { matchLabels?: Record<string, string> } };
      const selector = spec.selector.matchLabels ?? spec.selector;
      expect(pods.filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels[k] === v)), `${o.kind} ${o.metadata.name}`).toHaveLength(1);
    }
    const hpa = find(objects, "HorizontalPodAutoscaler", "vigil-worker").spec as { scaleTargetRef: { kind: string; name: string } };
    expect(find(objects, hpa.scaleTargetRef.kind, hpa.scaleTargetRef.name)).toBeDefined();
  });

  it("points probes, the Service, the Ingress and scrape annotations at ports and routes that exist", () => {
    const config = find(objects, "ConfigMap", "vigil-config").data!;
    const web = template(find(objects, "Deployment", "vigil-web"));
    const worker = template(find(objects, "Deployment", "vigil-worker"));
    const [webC] = web.spec.containers;
    const [workerC] = worker.spec.containers;
    const port = (c: Container, ref: string | number) => c.ports?.find((p) => p.name === ref || p.containerPort === ref)?.containerPort;
    expect(port(webC, "http")).toBe(Number(config.PORT));
    expect(webC.command).toEqual(expect.arrayContaining(["-p", config.PORT]));
    expect(port(workerC, "metrics")).toBe(Number(config.VIGIL_WORKER_METRICS_PORT));
    for (const c of [webC, workerC]) {
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe].filter((p): p is Probe => !!p)) {
        const ref = probe.httpGet?.port ?? probe.tcpSocket?.port;
        expect(port(c, ref!), `${c.name} probe port ${ref}`).toBeDefined();
      }
    }
    // The web's probe paths are route handlers; the worker's are answered by its metrics server.
    expect(existsSync(path.join(root, `app${webC.readinessProbe!.httpGet!.path}/route.ts`))).toBe(true);
    expect(workerC.livenessProbe?.httpGet?.path).toBe("/healthz");
    for (const [t, c] of [[web, webC], [worker, workerC]] as const) {
      expect(Number(t.metadata.annotations?.["prometheus.io/port"])).toBe(c.ports![0].containerPort);
    }
    expect(web.metadata.annotations?.["prometheus.io/path"]).toBe("/api/metrics");
    expect(existsSync(path.join(root, "app/api/metrics/route.ts"))).toBe(true);
    expect(worker.metadata.annotations?.["prometheus.io/path"]).toBe("/metrics");
    const svc = find(objects, "Service", "vigil-web").spec as { ports: { name: string; port: number; targetPort: string }[] };
    expect(port(webC, svc.ports[0].targetPort)).toBeDefined();
    const ingress = find(objects, "Ingress", "vigil").spec as { rules: { http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[] };
    for (const p of ingress.rules.flatMap((r) => r.http.paths)) {
      expect(p.backend.service.name).toBe("vigil-web");
      expect(svc.ports.map((x) => x.name)).toContain(p.backend.service.port.name);
    }
  });

  it("lets a stopping worker finish: SIGTERM reaches the worker itself, and the grace period outlasts VIGIL_SHUTDOWN_TIMEOUT_MS", () => {
    const config = find(objects, "ConfigMap", "vigil-config").data!;
    const timeoutMs = parseEnv(config).VIGIL_SHUTDOWN_TIMEOUT_MS;
    const worker = template(find(objects, "Deployment", "vigil-worker"));
    const grace = worker.spec.terminationGracePeriodSeconds ?? 30;
    expect(grace).toBeGreaterThanOrEqual(timeoutMs / 1000 + 10);
    expect(worker.spec.containers[0].command).toEqual(WORKER_COMMAND);
  });

  it("migrates with the package's own script in a Job", () => {
    const job = find(objects, "Job", "vigil-migrate");
    const [c] = (job.spec as { template: PodTemplate }).template.spec.containers;
    expect(c.command).toEqual(["npm", "run", "db:migrate"]);
    expect(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts["db:migrate"]).toContain("prisma migrate deploy");
  });
});

/** kubectl on PATH (Debian's, or the Cloud SDK's), if any: render.ts is checked against the real kustomize. */
const KUBECTL = (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "kubectl")).find((p) => existsSync(p));
const objectKey = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

describe.each([
  ["base", base],
  ["overlays/external", external],
])("deploy/kubernetes/%s rendered by kubectl kustomize", (name, objects) => {
  it.skipIf(!KUBECTL)(KUBECTL ? "is what render.ts renders, object for object" : "is what render.ts renders (SKIPPED: no kubectl on PATH; render.ts alone is checked)", () => {
    const yaml = execFileSync(KUBECTL!, ["kustomize", path.join(import.meta.dirname, name)], { encoding: "utf8", timeout: 60_000 });
    const real = parseAllDocuments(yaml).map((d) => d.toJSON() as K8sObject);
    expect(real.map(objectKey).sort()).toEqual(objects.map(objectKey).sort());
    const byKey = new Map(real.map((o) => [objectKey(o), o]));
    for (const o of objects) expect(JSON.parse(JSON.stringify(o)), `${objectKey(o)} as kubectl renders it`).toStrictEqual(byKey.get(objectKey(o)));
  });
});

describe("the overlays", () => {
  it("base runs its own PostgreSQL and Redis; external drops them, sets the namespace, image and a smaller pool", () => {
    const names = (objs: K8sObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names(base)).toEqual(expect.arrayContaining(["StatefulSet/vigil-postgres", "Service/vigil-postgres", "Deployment/vigil-redis", "Service/vigil-redis"]));
    expect(names(external).filter((n) => /postgres|redis/.test(n))).toEqual([]);
    expect(names(external).sort()).toEqual(names(base).filter((n) => !/postgres|redis/.test(n)).sort());
    expect(external.every((o) => o.metadata.namespace === "vigil")).toBe(true);
    expect(vigilContainers(external).map((x) => x.c.image)).toEqual(["registry.example.com/vigil:0.1.0", "registry.example.com/vigil:0.1.0", "registry.example.com/vigil:0.1.0"]);
    expect(find(external, "ConfigMap", "vigil-config").data).toMatchObject({ VIGIL_DB_POOL_SIZE: "5", VIGIL_WORKER_METRICS_PORT: "9464" });
  });

  it("strategic merge: maps merge, named lists merge by name, other lists are replaced", () => {
    const merged = strategicMerge(
      { a: { b: 1, c: 2 }, env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }], args: ["a", "b"] },
      { a: { c: 3 }, env: [{ name: "Y", value: "9" }, { name: "Z", value: "0" }], args: ["c"] },
    );
    expect(merged).toEqual({ a: { b: 1, c: 3 }, env: [{ name: "X", value: "1" }, { name: "Y", value: "9" }, { name: "Z", value: "0" }], args: ["c"] });
  });
});

describe("the worker's liveness probe", () => {
  it("is answered without the metrics token, while /metrics still wants it", async () => {
    const server = await startMetricsServer({ port: 0, host: "127.0.0.1", token: "a-token-of-sixteen-chars" });
    try {
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
