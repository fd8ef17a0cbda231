/**
 * The process's one metrics registry. Next.js bundles each route module on its own, so a
 * module-level registry would be one per route: it lives on globalThis instead, created on first
 * use, with Node's default process metrics (CPU, memory, event loop) under the vigil_ prefix.
 */
import { Registry, collectDefaultMetrics } from "prom-client";
import { createMetrics, primeKnownSeries, type Collectors, type Metrics } from "@/lib/metrics/definitions";

interface ProcessMetrics {
  registry: Registry;
  metrics: Metrics;
  /** Filled in by the process (lib/metrics/collectors.ts); read at every scrape. */
  collectors: Collectors;
}

const globalForMetrics = globalThis as unknown as { vigilMetrics?: ProcessMetrics };

export function getProcessMetrics(): ProcessMetrics {
  if (!globalForMetrics.vigilMetrics) {
    const registry = new Registry();
    const collectors: Collectors = {};
    collectDefaultMetrics({ register: registry, prefix: "vigil_" });
    const metrics = createMetrics(registry, collectors);
    primeKnownSeries(metrics);
    globalForMetrics.vigilMetrics = { registry, metrics, collectors };
  }
  return globalForMetrics.vigilMetrics;
}

export function getMetrics(): Metrics {
  return getProcessMetrics().metrics;
}
