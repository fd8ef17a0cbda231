/**
 * Maps flat records (JSON objects or CSV rows) to points with a field mapping, through the same
 * IngestBatch checks as push ingest, so a bad record is reported with its index and field.
 */
import { IngestBatch } from "@/lib/ingest/batch";
import { ConnectorError } from "@/lib/connectors/errors";
import { getPath, splitPath } from "@/lib/connectors/path";

export interface RecordMapping {
  timestamp: string;
  value: string;
  series?: string;
  metric?: string;
  labels?: Record<string, string>;
}

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Numbers often arrive as strings (CSV cells, many JSON APIs); a numeric string counts as a number. */
export function numericValue(v: unknown): unknown {
  return typeof v === "string" && NUMBER.test(v) ? Number(v) : v;
}

export function defaultMetric(mapping: RecordMapping): string {
  return mapping.metric ?? splitPath(mapping.value).at(-1) ?? "value";
}

export function addRecords(batch: IngestBatch, records: unknown[], mapping: RecordMapping, where: (i: number) => string): void {
  const fixedMetric = defaultMetric(mapping);
  records.forEach((rec, i) => {
    const p = where(i);
    if (rec === null || typeof rec !== "object") return batch.issue(p, "record must be an object");
    const metric = mapping.series ? getPath(rec, mapping.series) : fixedMetric;
    if (!batch.checkMetric(`${p}.${mapping.series ?? "metric"}`, metric)) return;
    const labels: Record<string, string> = {};
    for (const [name, path] of Object.entries(mapping.labels ?? {})) {
      const v = getPath(rec, path);
      // A missing label field means the series has no such label, as with an empty CSV cell.
      if (v !== undefined && v !== null && v !== "") labels[name] = String(v);
    }
    const checked = batch.checkLabels(`${p}.labels`, labels);
    if (!checked) return;
    const ts = getPath(rec, mapping.timestamp);
    if (ts === undefined) return batch.issue(`${p}.${mapping.timestamp}`, "timestamp field missing");
    const value = getPath(rec, mapping.value);
    if (value === undefined) return batch.issue(`${p}.${mapping.value}`, "value field missing");
    batch.add(metric, checked, numericValue(ts), numericValue(value), `${p}.${mapping.timestamp}`, `${p}.${mapping.value}`);
  });
}

/** Throws a ConnectorError naming the first issues, or when there is nothing to write. */
export function assertBatchValid(batch: IngestBatch, from: string, allowEmpty = false): void {
  if (batch.issues.length) {
    const shown = batch.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
    const more = batch.issues.length > 3 ? ` (and ${batch.issues.length - 3} more)` : "";
    throw new ConnectorError(`invalid data from ${from}: ${shown.join("; ")}${more}`);
  }
  if (!allowEmpty && batch.points === 0) throw new ConnectorError(`no points in the response from ${from}`);
}
