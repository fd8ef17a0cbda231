import { describe, expect, it, vi } from "vitest";
import { Registry } from "prom-client";
import {
  DETECTOR_LABEL_CAP,
  OTHER_DETECTORS,
  capDetectorLags,
  createMetrics,
  primeKnownSeries,
  primeQueueSeries,
  type Collectors,
} from "@/lib/metrics/definitions";

function fresh(collectors: Collectors = {}) {
  const registry = new Registry();
  return { registry, metrics: createMetrics(registry, collectors) };
}

/** Value of one sample line of the text exposition, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("metric definitions", () => {
  it("names every metric vigil_* and never labels by series, anomaly or detector id", async () => {
    const { registry } = fresh();
    const all = await registry.getMetricsAsJSON();
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const m of all) expect(m.name).toMatch(/^vigil_[a-z_]+$/);
    const labels = new Set(registry.getMetricsAsArray().flatMap((m) => (m as unknown as { labelNames: string[] }).labelNames));
    for (const forbidden of ["series", "series_id", "seriesId", "anomaly", "anomaly_id", "detector_id", "source_id", "id"]) expect(labels.has(forbidden)).toBe(false);
  });

  it("counts ingest, scoring, anomalies, jobs and source errors with their labels", async () => {
    const { registry, metrics } = fresh();
    metrics.pointsIngested.inc({ source_kind: "HTTP_PUSH" }, 120);
    metrics.pointsIngested.inc({ source_kind: "MQTT" }, 3);
    metrics.ingestRequests.inc({ status: "422" });
    metrics.ingestDuration.observe(0.03);
    metrics.pointsScored.inc({ algorithm: "robust_z" }, 120);
    metrics.anomaliesCreated.inc({ severity: "HIGH" });
    metrics.jobDuration.observe({ queue: "detect", job: "detect.run", outcome: "completed" }, 0.2);
    metrics.jobsStalled.inc({ queue: "detect" });
    metrics.sourceErrors.inc({ source_kind: "PROMETHEUS", stage: "poll" });
    const text = await registry.metrics();
    expect(sample(text, 'vigil_points_ingested_total{source_kind="HTTP_PUSH"}')).toBe(120);
    expect(sample(text, 'vigil_points_ingested_total{source_kind="MQTT"}')).toBe(3);
    expect(sample(text, 'vigil_ingest_requests_total{status="422"}')).toBe(1);
    expect(sample(text, 'vigil_ingest_request_duration_seconds_bucket{le="0.05"}')).toBe(1);
    expect(sample(text, 'vigil_ingest_request_duration_seconds_bucket{le="0.025"}')).toBe(0);
    expect(sample(text, 'vigil_points_scored_total{algorithm="robust_z"}')).toBe(120);
    expect(sample(text, 'vigil_anomalies_created_total{severity="HIGH"}')).toBe(1);
    expect(sample(text, 'vigil_job_duration_seconds_count{queue="detect",job="detect.run",outcome="completed"}')).toBe(1);
    expect(sample(text, 'vigil_jobs_stalled_total{queue="detect"}')).toBe(1);
    expect(sample(text, 'vigil_source_errors_total{source_kind="PROMETHEUS",stage="poll"}')).toBe(1);
  });

  it("starts counters of known label values at 0, so a rate reads 0 before the first event", async () => {
    const { registry, metrics } = fresh();
    primeKnownSeries(metrics);
    primeQueueSeries(metrics, "poll", ["poll.source"]);
    const text = await registry.metrics();
    expect(sample(text, 'vigil_anomalies_created_total{severity="CRITICAL"}')).toBe(0);
    expect(sample(text, 'vigil_points_ingested_total{source_kind="CSV_UPLOAD"}')).toBe(0);
    expect(sample(text, 'vigil_source_errors_total{source_kind="MQTT",stage="subscription"}')).toBe(0);
    expect(sample(text, 'vigil_jobs_failed_total{queue="poll",job="poll.source"}')).toBe(0);
    expect(sample(text, 'vigil_jobs_stalled_total{queue="poll"}')).toBe(0);
    for (const kind of ["webhook", "slack", "email", "alertmanager"]) {
      for (const outcome of ["sent", "retrying", "failed"]) expect(sample(text, `vigil_deliveries_total{channel_kind="${kind}",outcome="${outcome}"}`)).toBe(0);
    }
  });

  it("reads 0 collector errors for each scrape-time collector the process has, and none for those it lacks", async () => {
    const { registry } = fresh({ jobCounts: async () => [] });
    await registry.metrics(); // counters are read as the scrape starts: the first scrape primes, the next shows it
    const text = await registry.metrics();
    expect(sample(text, 'vigil_metrics_collector_errors_total{collector="job_counts"}')).toBe(0);
    expect(sample(text, 'vigil_metrics_collector_errors_total{collector="detection_lag"}')).toBeUndefined();
  });

  it("reads scrape-time gauges afresh on every scrape, dropping label sets that are gone", async () => {
    let counts = [
      { queue: "detect", state: "waiting", count: 7 },
      { queue: "poll", state: "failed", count: 2 },
    ];
    const { registry } = fresh({ jobCounts: async () => counts });
    let text = await registry.metrics();
    expect(sample(text, 'vigil_jobs{queue="detect",state="waiting"}')).toBe(7);
    expect(sample(text, 'vigil_jobs{queue="poll",state="failed"}')).toBe(2);
    counts = [{ queue: "detect", state: "waiting", count: 0 }];
    text = await registry.metrics();
    expect(sample(text, 'vigil_jobs{queue="detect",state="waiting"}')).toBe(0);
    expect(sample(text, 'vigil_jobs{queue="poll",state="failed"}')).toBeUndefined();
  });

  it("reports pools as busy and idle connections, their size and waiting queries", async () => {
    const { registry } = fresh({ dbPools: () => [{ pool: "bulk", total: 5, idle: 2, waiting: 1, max: 10 }] });
    const text = await registry.metrics();
    expect(sample(text, 'vigil_db_pool_connections{pool="bulk",state="busy"}')).toBe(3);
    expect(sample(text, 'vigil_db_pool_connections{pool="bulk",state="idle"}')).toBe(2);
    expect(sample(text, 'vigil_db_pool_max_connections{pool="bulk"}')).toBe(10);
    expect(sample(text, 'vigil_db_pool_waiting_clients{pool="bulk"}')).toBe(1);
  });

  it("a failing collector empties its gauge and is counted; the scrape still answers", async () => {
    const detectionLag = vi.fn(async () => [{ detector: "cpu", seconds: 4 }]);
    const { registry } = fresh({ detectionLag });
    expect(sample(await registry.metrics(), 'vigil_detection_lag_seconds{detector="cpu"}')).toBe(4);
    detectionLag.mockRejectedValueOnce(new Error("database down"));
    const text = await registry.metrics();
    expect(sample(text, 'vigil_detection_lag_seconds{detector="cpu"}')).toBeUndefined();
    // Counters are read as the scrape starts, so the failure shows from the next scrape on.
    expect(sample(await registry.metrics(), 'vigil_metrics_collector_errors_total{collector="detection_lag"}')).toBe(1);
  });

  it("caps detector labels: the most lagging by name, the rest folded into one at their maximum", () => {
    const rows = Array.from({ length: DETECTOR_LABEL_CAP + 10 }, (_, i) => ({ detector: `d${i}`, seconds: i }));
    const capped = capDetectorLags(rows);
    expect(capped).toHaveLength(DETECTOR_LABEL_CAP + 1);
    expect(capped[0]).toEqual({ detector: `d${DETECTOR_LABEL_CAP + 9}`, seconds: DETECTOR_LABEL_CAP + 9 });
    expect(capped.at(-1)).toEqual({ detector: OTHER_DETECTORS, seconds: 9 });
    expect(capDetectorLags([{ detector: "x".repeat(200), seconds: 1 }])[0].detector).toHaveLength(64);
    expect(capDetectorLags(rows.slice(0, 3))).toHaveLength(3);
  });
});
