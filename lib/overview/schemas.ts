/**
 * The overview's contract (isomorphic): GET /api/v1/overview's query and answer, and the pure
 * shaping of its hourly and per-minute counts for the charts.
 */
import { z } from "zod";
import { SEVERITIES } from "@/lib/anomalies/schemas";

export const ZOverviewQuery = z.object({
  /** Hours of the anomaly timeline, ending now. */
  hours: z.coerce.number().int().min(1).max(24 * 14).default(48),
});
export type TOverviewQuery = z.infer<typeof ZOverviewQuery>;

export type Severity = (typeof SEVERITIES)[number];

export interface QueueStats {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface Overview {
  generatedAt: string;
  counts: { sources: number; series: number; detectors: number; points: number };
  /** Open or acknowledged anomalies that re-detection still finds, by severity. */
  openBySeverity: Record<Severity, number>;
  /** Anomalies started per hour and severity over the last `hours` (hours with none are absent). */
  timeline: { from: string; hours: number; buckets: { t: string; severity: Severity; count: number }[] };
  /** Stored points per minute of their timestamp over the last hour, for sources that sent data in it. */
  ingest: { from: string; perMinute: { t: string; count: number }[] };
  sources: { id: string; name: string; kind: string; status: string; lastIngestedAt: string | null; lastError: string | null }[];
  detection: {
    /** Largest gap between a series' newest point and what its detector has scored, over recently fed series. */
    lagMs: number | null;
    seriesBehind: number;
    neverScored: number;
  };
  queue: { ok: boolean; backend: string | null; workers: number | null; queues: QueueStats[]; error?: string };
}

const count = z.number().int();
const isoTime = z.iso.datetime();
const bySeverity = z.object(Object.fromEntries(SEVERITIES.map((s) => [s, count])) as Record<Severity, typeof count>);

/** The answer of GET /api/v1/overview, as a schema (the OpenAPI document and its test use it). */
export const ZOverview = z.object({
  generatedAt: isoTime,
  counts: z.object({ sources: count, series: count, detectors: count, points: count }),
  openBySeverity: bySeverity,
  timeline: z.object({ from: isoTime, hours: count, buckets: z.array(z.object({ t: isoTime, severity: z.enum(SEVERITIES), count })) }),
  ingest: z.object({ from: isoTime, perMinute: z.array(z.object({ t: isoTime, count })) }),
  sources: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), status: z.string(), lastIngestedAt: isoTime.nullable(), lastError: z.string().nullable() })),
  detection: z.object({ lagMs: z.number().nullable(), seriesBehind: count, neverScored: count }),
  queue: z.object({
    ok: z.boolean(),
    backend: z.string().nullable(),
    workers: count.nullable(),
    queues: z.array(z.object({ name: z.string(), waiting: count, active: count, delayed: count, failed: count })),
    error: z.string().optional(),
  }),
});

export type TimelineRow = { t: number } & Record<Severity, number>;

const HOUR = 3_600_000;

/**
 * One row per hour from `from` for `hours` hours, each with a count per severity. An hour with no
 * anomaly is a real 0 (counted, none started), unlike a gap in a series.
 */
export function toTimelineRows(timeline: Overview["timeline"]): TimelineRow[] {
  const start = Date.parse(timeline.from);
  const rows: TimelineRow[] = Array.from({ length: timeline.hours }, (_, i) => ({ t: start + i * HOUR, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 }));
  for (const b of timeline.buckets) {
    const i = Math.floor((Date.parse(b.t) - start) / HOUR);
    if (i >= 0 && i < rows.length) rows[i][b.severity] += b.count;
  }
  return rows;
}

/** Sixty rows, one per minute from `from`, counting the points stored for it (0 when none were). */
export function toIngestRows(ingest: Overview["ingest"], minutes = 60): { t: number; points: number }[] {
  const start = Date.parse(ingest.from);
  const rows = Array.from({ length: minutes }, (_, i) => ({ t: start + i * 60_000, points: 0 }));
  for (const m of ingest.perMinute) {
    const i = Math.floor((Date.parse(m.t) - start) / 60_000);
    if (i >= 0 && i < rows.length) rows[i].points += m.count;
  }
  return rows;
}

/** "3 min 20 s", "2 h 5 min", "40 s". */
export function formatLag(ms: number | null): string {
  if (ms === null) return "none";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d`;
}
