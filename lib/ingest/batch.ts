/**
 * A validated ingest batch: points grouped by series (metric + canonical labels), plus the issues
 * found on the way. Parsers report every problem with its line or field; nothing is written unless
 * the whole batch is clean.
 */
import { AppError, type FieldIssue } from "@/lib/server/api/errors";
import { unstorableReason } from "@/lib/server/api/storable-text";
import { parseTimestamp } from "@/lib/ingest/timestamp";

export const INGEST_LIMITS = { maxBytes: 10 * 1024 * 1024, maxPoints: 100_000, maxIssues: 50, maxLabels: 32 } as const;

const METRIC = /^[A-Za-z_:][A-Za-z0-9_:.\-/]{0,199}$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.\-]{0,99}$/;

export interface SeriesPoints {
  metric: string;
  labels: Record<string, string>;
  labelsKey: string;
  ms: number[];
  values: number[];
}

/** `""` for no labels, else the JSON of the labels sorted by name: the unique key of a series. */
export function labelsKeyOf(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return names.length ? JSON.stringify(Object.fromEntries(names.map((n) => [n, labels[n]]))) : "";
}

export class IngestBatch {
  readonly series = new Map<string, SeriesPoints>();
  readonly issues: FieldIssue[] = [];
  points = 0;

  issue(path: string, message: string): void {
    if (this.issues.length < INGEST_LIMITS.maxIssues) this.issues.push({ path, message });
  }

  /** Validates a metric name; reports and returns false when it is bad. */
  checkMetric(path: string, metric: unknown): metric is string {
    if (typeof metric === "string" && METRIC.test(metric)) return true;
    this.issue(path, `metric name must match ${METRIC.source} (got ${JSON.stringify(metric)?.slice(0, 60)})`);
    return false;
  }

  /** Validates a labels object (string values); returns it sorted, or null after reporting. */
  checkLabels(path: string, labels: unknown): Record<string, string> | null {
    if (labels === undefined) return {};
    if (typeof labels !== "object" || labels === null || Array.isArray(labels)) {
      this.issue(path, "labels must be an object of strings");
      return null;
    }
    const entries = Object.entries(labels);
    let ok = entries.length <= INGEST_LIMITS.maxLabels;
    if (!ok) this.issue(path, `at most ${INGEST_LIMITS.maxLabels} labels`);
    for (const [k, v] of entries) {
      if (!LABEL_NAME.test(k)) {
        this.issue(`${path}.${k}`, `label name must match ${LABEL_NAME.source}`);
        ok = false;
      } else if (typeof v !== "string" || v.length > 500) {
        this.issue(`${path}.${k}`, "label value must be a string of at most 500 characters");
        ok = false;
      } else if (unstorableReason(v)) {
        this.issue(`${path}.${k}`, `label value ${unstorableReason(v)}`);
        ok = false;
      }
    }
    return ok ? (labels as Record<string, string>) : null;
  }

  /** Checks one point and adds it; reports the field that is wrong otherwise. */
  add(metric: string, labels: Record<string, string>, ts: unknown, value: unknown, tsPath: string, valuePath: string): void {
    const t = parseTimestamp(ts);
    if ("error" in t) this.issue(tsPath, t.error);
    const valueOk = typeof value === "number" && Number.isFinite(value);
    if (!valueOk) this.issue(valuePath, "value must be a finite number");
    if ("error" in t || !valueOk) return;
    if (++this.points > INGEST_LIMITS.maxPoints) {
      throw new AppError("payload_too_large", `More than ${INGEST_LIMITS.maxPoints} points in one request; split the batch`);
    }
    const labelsKey = labelsKeyOf(labels);
    const key = `${metric}\u0000${labelsKey}`;
    let s = this.series.get(key);
    if (!s) {
      s = { metric, labels: labelsKey ? JSON.parse(labelsKey) : {}, labelsKey, ms: [], values: [] };
      this.series.set(key, s);
    }
    s.ms.push(t.ms);
    s.values.push(value as number);
  }

  /** Throws 422 with every issue (up to the cap) if any, or if there is nothing to write. */
  assertValid(): void {
    if (this.issues.length) {
      const [first] = this.issues;
      const more = this.issues.length > 1 ? ` (and ${this.issues.length - 1} more issue${this.issues.length > 2 ? "s" : ""})` : "";
      throw new AppError("unprocessable", `${first.path}: ${first.message}${more}`, this.issues);
    }
    if (this.points === 0) throw new AppError("unprocessable", "The batch has no points");
  }
}
