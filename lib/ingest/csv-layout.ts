/**
 * The CSV layouts ingest accepts, shared by the whole-body parser and the streaming upload so
 * both give the same messages. First row a header, first column the timestamp (`timestamp`,
 * `ts` or `time`):
 * - long: `timestamp,series,value[,label...]`: one point per row, extra columns are labels;
 * - wide: `timestamp,<metric1>,<metric2>...`: one point per non-empty cell.
 */
import { AppError } from "@/lib/server/api/errors";
import type { IngestBatch } from "@/lib/ingest/batch";

const TS_NAMES = new Set(["timestamp", "ts", "time"]);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Adds one data row (its 1-based line number for messages) to a batch. */
export type CsvRowHandler = (batch: IngestBatch, record: string[], lineNo: number) => void;

/** Options for csv-parse, the same for both readers. */
export const CSV_PARSE_OPTIONS = { info: true, skip_empty_lines: true, trim: true, bom: true } as const;

function toNumber(cell: string): number | string {
  return NUMBER.test(cell) ? Number(cell) : cell;
}

/**
 * Reads the header: throws for a structural problem, reports bad metric or label names on the
 * batch and returns null, or returns the handler for the data rows.
 */
export function csvRowHandler(batch: IngestBatch, headerRecord: string[]): CsvRowHandler | null {
  const header = headerRecord.map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  if (!TS_NAMES.has(lower[0])) {
    throw new AppError("unprocessable", `line 1: the first column must be "timestamp" (got ${JSON.stringify(header[0])})`, [
      { path: "line 1", message: 'the first column must be "timestamp"' },
    ]);
  }
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new AppError("unprocessable", `line 1: column ${JSON.stringify(dup)} appears twice`, [{ path: "line 1", message: `column ${dup} appears twice` }]);

  const seriesCol = lower.indexOf("series");
  const valueCol = lower.indexOf("value");
  if (seriesCol > 0 && valueCol > 0) {
    const labelCols = header.map((h, i) => i).filter((i) => i !== 0 && i !== seriesCol && i !== valueCol);
    const labelNames = labelCols.map((i) => header[i]);
    if (!batch.checkLabels("line 1", Object.fromEntries(labelNames.map((n) => [n, ""])))) return null;
    return (b, record, lineNo) => {
      const line = `line ${lineNo}`;
      const metric = record[seriesCol];
      if (!b.checkMetric(`${line}: series`, metric)) return;
      const labels: Record<string, string> = {};
      labelCols.forEach((i) => {
        // An empty label cell means the series has no such label.
        if (record[i] !== "") labels[header[i]] = record[i];
      });
      if (!b.checkLabels(`${line}: labels`, labels)) return;
      b.add(metric, labels, record[0], toNumber(record[valueCol]), `${line}: timestamp`, `${line}: value`);
    };
  }
  const metricCols = header.map((h, i) => i).filter((i) => i !== 0);
  if (metricCols.length === 0) throw new AppError("unprocessable", "line 1: no metric columns after the timestamp", [{ path: "line 1", message: "no metric columns" }]);
  const good = metricCols.filter((i) => batch.checkMetric(`line 1: ${header[i]}`, header[i]));
  if (good.length !== metricCols.length) return null;
  return (b, record, lineNo) => {
    const line = `line ${lineNo}`;
    for (const i of metricCols) {
      // A blank cell in the wide layout is a metric without a sample at that time.
      if (record[i] === "") continue;
      b.add(header[i], {}, record[0], toNumber(record[i]), `${line}: timestamp`, `${line}: ${header[i]}`);
    }
  };
}
