/**
 * Every metric Vigil exports, defined once (lib/metrics/README.md lists them). Labels are bounded
 * sets only: source kinds, statuses, permissions, queue and job names from the contract,
 * algorithms, severities, and detector names capped at DETECTOR_LABEL_CAP. Never series or
 * anomaly ids.
 *
 * Scrape-time gauges read through `Collectors`, which each process fills in with what it has
 * (lib/metrics/collectors.ts): a gauge whose collector is unset exports nothing.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { ChannelKind, Severity, SourceKind } from "@/lib/generated/prisma/enums";

/** Detectors named in vigil_detection_lag_seconds; the rest are folded into detector="(other)". */
export const DETECTOR_LABEL_CAP = 50;
export const OTHER_DETECTORS = "(other)";

export interface PoolStat {
  pool: "queries" | "bulk";
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface JobCount {
  queue: string;
  state: string;
  count: number;
}

export interface DetectorLag {
  detector: string;
  seconds: number;
}

export interface Collectors {
  dbPools?: () => PoolStat[];
  jobCounts?: () => Promise<JobCount[]>;
  detectionLag?: () => Promise<DetectorLag[]>;
}

/** The outcomes `vigil_deliveries_total` records (lib/metrics/record.ts maps a delivery's status onto them). */
export const DELIVERY_OUTCOMES = ["sent", "retrying", "failed"] as const;

/** Request and job durations: 5 ms to 2 min. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The `DETECTOR_LABEL_CAP` most lagging detectors by name, the rest as one "(other)" at their maximum. */
export function capDetectorLags(rows: DetectorLag[], cap = DETECTOR_LABEL_CAP): DetectorLag[] {
  const sorted = [...rows].sort((a, b) => b.seconds - a.seconds || (a.detector < b.detector ? -1 : 1));
  const kept = sorted.slice(0, cap).map((r) => ({ detector: r.detector.slice(0, 64), seconds: r.seconds }));
  const rest = sorted.slice(cap);
  return rest.length ? [...kept, { detector: OTHER_DETECTORS, seconds: rest[0].seconds }] : kept;
}

export function createMetrics(registry: Registry, collectors: Collectors) {
  const registers = [registry];
  const collectorErrors = new Counter({
    name: "vigil_metrics_collector_errors_total",
    help: "Scrape-time reads that failed (their gauges are left empty for that scrape; counted from the next scrape on), by collector",
    labelNames: ["collector"] as const,
    registers,
  });
  /** Reads rows for a gauge; a failure empties the gauge for this scrape instead of failing it whole. */
  const refill = async <R>(gauge: Gauge<string>, name: string, read: (() => Promise<R[]>) | undefined, set: (r: R) => void) => {
    if (!read) return;
    collectorErrors.inc({ collector: name }, 0); // a collector this process has reads 0 errors, not "no data"
    let rows: R[];
    try {
      rows = await read();
    } catch {
      collectorErrors.inc({ collector: name });
      gauge.reset();
      return;
    }
    gauge.reset();
    rows.forEach(set);
  };
  return {
    collectorErrors,
    pointsIngested: new Counter({
      name: "vigil_points_ingested_total",
      help: "Points committed to storage, by source kind (a re-sent point counts again)",
      labelNames: ["source_kind"] as const,
      registers,
    }),
    ingestRequests: new Counter({
      name: "vigil_ingest_requests_total",
      help: "Push ingest requests (POST /api/v1/ingest) answered, by HTTP status",
      labelNames: ["status"] as const,
      registers,
    }),
    ingestDuration: new Histogram({
      name: "vigil_ingest_request_duration_seconds",
      help: "Push ingest request latency, from arrival to the answer after commit",
      buckets: DURATION_BUCKETS,
      registers,
    }),
    apiRequests: new Counter({
      name: "vigil_api_requests_total",
      help: "Signed-in API requests answered, by the permission the route requires, method and HTTP status",
      labelNames: ["permission", "method", "status"] as const,
      registers,
    }),
    apiDuration: new Histogram({
      name: "vigil_api_request_duration_seconds",
      help: "Signed-in API request latency, by the permission the route requires",
      labelNames: ["permission"] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    pointsScored: new Counter({
      name: "vigil_points_scored_total",
      help: "Points scored by detectors and committed (watermark moved), by algorithm",
      labelNames: ["algorithm"] as const,
      registers,
    }),
    detectionRewinds: new Counter({
      name: "vigil_detection_rewinds_total",
      help: "Rewinds of a pair's scoring position applied by a detect run (late or corrected points, missed points, backfills)",
      labelNames: ["algorithm"] as const,
      registers,
    }),
    anomaliesCreated: new Counter({
      name: "vigil_anomalies_created_total",
      help: "Anomaly rows created by detection, by severity when created",
      labelNames: ["severity"] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: "vigil_job_duration_seconds",
      help: "Job run time in this worker, by queue, job name and outcome (completed or failed)",
      labelNames: ["queue", "job", "outcome"] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    jobWait: new Histogram({
      name: "vigil_job_wait_seconds",
      help: "Time a job waited in its queue before this worker started it, by queue",
      labelNames: ["queue"] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    jobsFailed: new Counter({
      name: "vigil_jobs_failed_total",
      help: "Job attempts that failed in this worker (retried while attempts remain), by queue and job name",
      labelNames: ["queue", "job"] as const,
      registers,
    }),
    jobsStalled: new Counter({
      name: "vigil_jobs_stalled_total",
      help: "Jobs this worker found stalled (their worker died or stopped renewing the lock), by queue",
      labelNames: ["queue"] as const,
      registers,
    }),
    sourceErrors: new Counter({
      name: "vigil_source_errors_total",
      help: "Poll failures and subscription errors, by source kind and stage (poll, subscription)",
      labelNames: ["source_kind", "stage"] as const,
      registers,
    }),
    deliveries: new Counter({
      name: "vigil_deliveries_total",
      help: `Alert delivery attempts whose outcome was recorded, by channel kind (lower case; "deleted" when the channel is gone) and outcome (${DELIVERY_OUTCOMES.join(", ")})`,
      labelNames: ["channel_kind", "outcome"] as const,
      registers,
    }),
    jobs: new Gauge({
      name: "vigil_jobs",
      help: "Jobs in each queue by state, read from the queue backend at scrape time",
      labelNames: ["queue", "state"] as const,
      registers,
      async collect() {
        await refill(this, "job_counts", collectors.jobCounts, (r) => this.set({ queue: r.queue, state: r.state }, r.count));
      },
    }),
    detectionLag: new Gauge({
      name: "vigil_detection_lag_seconds",
      help: `Per enabled detector, the age of its oldest stored point not yet scored (0 when caught up); the ${DETECTOR_LABEL_CAP} most lagging by name, the rest as detector="${OTHER_DETECTORS}"`,
      labelNames: ["detector"] as const,
      registers,
      async collect() {
        const read = collectors.detectionLag;
        await refill(this, "detection_lag", read && (async () => capDetectorLags(await read())), (r) => this.set({ detector: r.detector }, r.seconds));
      },
    }),
    dbPoolConnections: new Gauge({
      name: "vigil_db_pool_connections",
      help: "Open PostgreSQL connections of this process by pool (queries: Prisma; bulk: ingest writes and point reads) and state (busy, idle)",
      labelNames: ["pool", "state"] as const,
      registers,
      collect() {
        if (!collectors.dbPools) return;
        this.reset();
        for (const p of collectors.dbPools()) {
          this.set({ pool: p.pool, state: "busy" }, p.total - p.idle);
          this.set({ pool: p.pool, state: "idle" }, p.idle);
        }
      },
    }),
    dbPoolMax: new Gauge({
      name: "vigil_db_pool_max_connections",
      help: "Largest size of each PostgreSQL pool of this process (VIGIL_DB_POOL_SIZE)",
      labelNames: ["pool"] as const,
      registers,
      collect() {
        if (!collectors.dbPools) return;
        this.reset();
        for (const p of collectors.dbPools()) this.set({ pool: p.pool }, p.max);
      },
    }),
    dbPoolWaiting: new Gauge({
      name: "vigil_db_pool_waiting_clients",
      help: "Queries of this process waiting for a free PostgreSQL connection, by pool",
      labelNames: ["pool"] as const,
      registers,
      collect() {
        if (!collectors.dbPools) return;
        this.reset();
        for (const p of collectors.dbPools()) this.set({ pool: p.pool }, p.waiting);
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Counters with a known, small label set start at 0 for every value, so rates and increases read
 * 0 instead of "no data" before the first event (Prometheus' advice on missing series).
 */
export function primeKnownSeries(m: Metrics): void {
  for (const kind of Object.values(SourceKind)) m.pointsIngested.inc({ source_kind: kind }, 0);
  for (const severity of Object.values(Severity)) m.anomaliesCreated.inc({ severity }, 0);
  for (const kind of [SourceKind.HTTP_POLL, SourceKind.PROMETHEUS]) m.sourceErrors.inc({ source_kind: kind, stage: "poll" }, 0);
  for (const kind of [SourceKind.MQTT, SourceKind.NATS, SourceKind.AMQP]) m.sourceErrors.inc({ source_kind: kind, stage: "subscription" }, 0);
  for (const kind of Object.values(ChannelKind)) {
    for (const outcome of DELIVERY_OUTCOMES) m.deliveries.inc({ channel_kind: kind.toLowerCase(), outcome }, 0);
  }
}

/** The same for one worker queue and the jobs it runs. */
export function primeQueueSeries(m: Metrics, queue: string, jobs: readonly string[]): void {
  m.jobsStalled.inc({ queue }, 0);
  for (const job of jobs) m.jobsFailed.inc({ queue, job }, 0);
}
