/** CSV bodies read whole (push ingest); the layouts are in csv-layout.ts. */
import { parse } from "csv-parse/sync";
import { AppError } from "@/lib/server/api/errors";
import type { IngestBatch } from "@/lib/ingest/batch";
import { CSV_PARSE_OPTIONS, csvRowHandler } from "@/lib/ingest/csv-layout";

interface Row {
  record: string[];
  info: { lines: number };
}

export function parseCsvBody(batch: IngestBatch, text: string): void {
  let rows: Row[];
  try {
    rows = parse(text, CSV_PARSE_OPTIONS) as unknown as Row[];
  } catch (e) {
    throw new AppError("bad_request", `CSV is malformed: ${(e as Error).message}`);
  }
  if (rows.length === 0) throw new AppError("unprocessable", "CSV is empty: expected a header row");
  const handle = csvRowHandler(batch, rows[0].record);
  if (!handle) return;
  for (const { record, info } of rows.slice(1)) handle(batch, record, info.lines);
}
