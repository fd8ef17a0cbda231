/**
 * JSON and NDJSON bodies. Each object is either
 *   `{ series, labels?, points: [[ts, value], ...] }`  or  `{ ts, metrics: { name: value, ... }, labels? }`;
 * a JSON body is one object or an array of them, an NDJSON body one object per line.
 */
import { AppError } from "@/lib/server/api/errors";
import type { IngestBatch } from "@/lib/ingest/batch";

const SERIES_KEYS = new Set(["series", "labels", "points"]);
const ROW_KEYS = new Set(["ts", "metrics", "labels"]);

function at(prefix: string, field: string): string {
  if (!prefix) return field;
  return prefix.endsWith(" ") || field.startsWith("[") ? `${prefix}${field}` : `${prefix}.${field}`;
}

function addSeriesObject(batch: IngestBatch, o: Record<string, unknown>, p: string) {
  const metricOk = batch.checkMetric(at(p, "series"), o.series);
  const labels = batch.checkLabels(at(p, "labels"), o.labels);
  if (!Array.isArray(o.points)) return batch.issue(at(p, "points"), "points must be an array of [timestamp, value] pairs");
  if (!metricOk || !labels) return;
  o.points.forEach((pt: unknown, i) => {
    const pp = at(p, `points[${i}]`);
    if (!Array.isArray(pt) || pt.length !== 2) return batch.issue(pp, "point must be a [timestamp, value] pair");
    batch.add(o.series as string, labels, pt[0], pt[1], `${pp}[0]`, `${pp}[1]`);
  });
}

function addRowObject(batch: IngestBatch, o: Record<string, unknown>, p: string) {
  const labels = batch.checkLabels(at(p, "labels"), o.labels);
  const metrics = o.metrics;
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) {
    return batch.issue(at(p, "metrics"), "metrics must be an object of metric name to value");
  }
  if (!("ts" in o)) batch.issue(at(p, "ts"), "ts is required");
  if (!labels) return;
  for (const [name, value] of Object.entries(metrics)) {
    if (batch.checkMetric(at(p, `metrics.${name}`), name)) batch.add(name, labels, o.ts, value, at(p, "ts"), at(p, `metrics.${name}`));
  }
}

export function addJsonObject(batch: IngestBatch, o: unknown, p: string): void {
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    return batch.issue(p.replace(/: $/, "") || "(root)", "expected an object {series, points} or {ts, metrics}");
  }
  const rec = o as Record<string, unknown>;
  const isSeries = "points" in rec || "series" in rec;
  const allowed = isSeries ? SERIES_KEYS : ROW_KEYS;
  for (const k of Object.keys(rec)) if (!allowed.has(k)) batch.issue(at(p, k), `unknown field (expected ${[...allowed].join(", ")})`);
  if (isSeries) addSeriesObject(batch, rec, p);
  else if ("metrics" in rec || "ts" in rec) addRowObject(batch, rec, p);
  else batch.issue(p.replace(/: $/, "") || "(root)", "expected an object {series, points} or {ts, metrics}");
}

function parseOrThrow(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("bad_request", `${where}not valid JSON: ${(e as Error).message}`);
  }
}

export function parseJsonBody(batch: IngestBatch, text: string): void {
  const body = parseOrThrow(text, "Body is ");
  if (Array.isArray(body)) body.forEach((o, i) => addJsonObject(batch, o, `[${i}]`));
  else addJsonObject(batch, body, "");
}

export function parseNdjsonBody(batch: IngestBatch, text: string): void {
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    addJsonObject(batch, parseOrThrow(line, `line ${i + 1}: `), `line ${i + 1}: `);
  });
}
