/** HTTP poll: GET a URL answering JSON or CSV, map its records to points with the source's mapping. */
import { parse } from "csv-parse/sync";
import { IngestBatch } from "@/lib/ingest/batch";
import type { ZHttpPollConfig } from "@/lib/ingest/source-config";
import type { z } from "zod";
import { ConnectorError } from "@/lib/connectors/errors";
import { fetchText } from "@/lib/connectors/fetch";
import { getPath, hasPath } from "@/lib/connectors/path";
import { addRecords, assertBatchValid } from "@/lib/connectors/records";

export type THttpPollConfig = z.infer<typeof ZHttpPollConfig>;

export function recordsFromJson(text: string, url: string, recordsPath?: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new ConnectorError(`response from ${url} is not valid JSON: ${(e as Error).message}`);
  }
  if (recordsPath) {
    if (!hasPath(body, recordsPath)) throw new ConnectorError(`JSON path ${recordsPath} missing in the response from ${url}`);
    const at = getPath(body, recordsPath);
    if (!Array.isArray(at)) throw new ConnectorError(`JSON path ${recordsPath} in the response from ${url} is not an array`);
    return at;
  }
  return Array.isArray(body) ? body : [body];
}

export function recordsFromCsv(text: string, url: string): Record<string, string>[] {
  try {
    return parse(text, { columns: (h: string[]) => h.map((c) => c.trim()), skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    throw new ConnectorError(`response from ${url} is not valid CSV: ${(e as Error).message}`);
  }
}

/** Fetches once and returns a batch valid as a whole, or throws a ConnectorError. */
export async function fetchHttpPoll(config: THttpPollConfig, timeoutMs: number): Promise<IngestBatch> {
  const accept = config.format === "json" ? "application/json" : "text/csv";
  const { text } = await fetchText(config.url, timeoutMs, accept);
  const batch = new IngestBatch();
  if (config.format === "json") {
    const records = recordsFromJson(text, config.url, config.mapping.records);
    const prefix = config.mapping.records ?? "";
    addRecords(batch, records, config.mapping, (i) => `${prefix}[${i}]`);
  } else {
    const rows = recordsFromCsv(text, config.url);
    const first = rows[0];
    for (const col of [config.mapping.timestamp, config.mapping.value, config.mapping.series].filter(Boolean) as string[]) {
      if (first && !(col in first)) throw new ConnectorError(`CSV from ${config.url} has no column ${JSON.stringify(col)} (columns: ${Object.keys(first).join(", ")})`);
    }
    // Line numbers: the header is line 1.
    addRecords(batch, rows, config.mapping, (i) => `line ${i + 2}`);
  }
  assertBatchValid(batch, config.url);
  return batch;
}
