/**
 * CSV bodies, first row a header, first column the timestamp (`timestamp`, `ts` or `time`):
 * - long: `timestamp,series,value[,label...]`: one point per row, extra columns are labels;
 * - wide: `timestamp,<metric1>,<metric2>...`: one point per non-empty cell.
 */
import { parse } from "csv-parse/sync";
import { AppError } from "@/lib/server/api/errors";
import type { IngestBatch } from "@/lib/ingest/batch";

const TS_NAMES = new Set(["timestamp", "ts", "time"]);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Row {
  record: string[];
  info: { lines: number };
}

function toNumber(cell: string): number | string {
  return NUMBER.test(cell) ? Number(cell) : cell;
}

export function parseCsvBody(batch: IngestBatch, text: string): void {
  let rows: Row[];
  try {
    rows = parse(text, { info: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as Row[];
  } catch (e) {
    throw new AppError("bad_request", `CSV is malformed: ${(e as Error).message}`);
  }
  if (rows.length === 0) throw new AppError("unprocessable", "CSV is empty: expected a header row");
  const header = rows[0].record.map((h) => h.trim());
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
    if (!batch.checkLabels("line 1", Object.fromEntries(labelNames.map((n) => [n, ""])))) return;
    for (const { record, info } of rows.slice(1)) {
      const line = `line ${info.lines}`;
      const metric = record[seriesCol];
      if (!batch.checkMetric(`${line}: series`, metric)) continue;
      const labels: Record<string, string> = {};
      labelCols.forEach((i) => {
        // An empty label cell means the series has no such label.
        if (record[i] !== "") labels[header[i]] = record[i];
      });
      if (!batch.checkLabels(`${line}: labels`, labels)) continue;
      batch.add(metric, labels, record[0], toNumber(record[valueCol]), `${line}: timestamp`, `${line}: value`);
    }
    return;
  }
  const metricCols = header.map((h, i) => i).filter((i) => i !== 0);
  if (metricCols.length === 0) throw new AppError("unprocessable", "line 1: no metric columns after the timestamp", [{ path: "line 1", message: "no metric columns" }]);
  const good = metricCols.filter((i) => batch.checkMetric(`line 1: ${header[i]}`, header[i]));
  if (good.length !== metricCols.length) return;
  for (const { record, info } of rows.slice(1)) {
    const line = `line ${info.lines}`;
    for (const i of metricCols) {
      // A blank cell in the wide layout is a metric without a sample at that time.
      if (record[i] === "") continue;
      batch.add(header[i], {}, record[0], toNumber(record[i]), `${line}: timestamp`, `${line}: ${header[i]}`);
    }
  }
}
