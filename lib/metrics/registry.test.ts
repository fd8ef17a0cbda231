import { describe, expect, it, vi } from "vitest";

describe("process registry", () => {
  it("is one per process even when its module is loaded again (each Next.js route bundles its own copy)", async () => {
    const first = await import("@/lib/metrics/registry");
    first.getMetrics().pointsScored.inc({ algorithm: "registry_test" }, 2);
    vi.resetModules();
    const second = await import("@/lib/metrics/registry");
    expect(second).not.toBe(first);
    expect(second.getProcessMetrics().registry).toBe(first.getProcessMetrics().registry);
    const text = await second.getProcessMetrics().registry.metrics();
    expect(text).toContain('vigil_points_scored_total{algorithm="registry_test"} 2');
    // Node's own process metrics come along, under the same prefix.
    expect(text).toContain("vigil_process_cpu_user_seconds_total");
  });
});
