import { afterEach, describe, expect, it } from "vitest";
import { startMetricsServer, type MetricsServer } from "@/lib/metrics/server";

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("worker metrics server", () => {
  it("serves the registry at /metrics, liveness at /healthz, 404 elsewhere", async () => {
    const s = await startMetricsServer({ port: 0, host: "127.0.0.1" });
    servers.push(s);
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain("vigil_process_cpu_user_seconds_total");
    expect((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${s.port}/metrics`, { method: "POST" })).status).toBe(404);
  });

  it("says which variable to change when its port is taken", async () => {
    const first = await startMetricsServer({ port: 0, host: "127.0.0.1" });
    servers.push(first);
    await expect(startMetricsServer({ port: first.port, host: "127.0.0.1" })).rejects.toThrow(
      `Port ${first.port} on 127.0.0.1 is taken: choose another VIGIL_WORKER_METRICS_PORT`,
    );
  });
});
