/**
 * CSV file upload for CSV_UPLOAD sources, streamed: the body goes through csv-parse's streaming
 * parser and is staged in chunks of CHUNK_POINTS inside ONE transaction (upload-stage.ts), so
 * memory stays bounded by the chunk size (not the file size) and the upload is all-or-nothing:
 * any bad row, a malformed file, an oversized body or a dropped connection rolls everything back.
 * Layouts and messages are those of push ingest's CSV parser (csv-layout.ts).
 */
import { Readable, Transform, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { parse } from "csv-parse";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/server/api/errors";
import { IngestBatch, INGEST_LIMITS } from "@/lib/ingest/batch";
import { CSV_PARSE_OPTIONS, csvRowHandler, type CsvRowHandler } from "@/lib/ingest/csv-layout";
import type { WriteResult } from "@/lib/ingest/write";
import { UploadStage } from "@/lib/ingest/upload-stage";
import type { BodyEncoding } from "@/lib/ingest/content-encoding";

/** Largest upload, bytes: `VIGIL_UPLOAD_MAX_BYTES`, 1 GiB by default (413 above). */
export function uploadMaxBytes(): number {
  return getEnv().VIGIL_UPLOAD_MAX_BYTES;
}

export const CHUNK_POINTS = 20_000;

interface Row {
  record: string[];
  info: { lines: number };
}

function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new AppError("payload_too_large", `Upload exceeds ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
}

/** Refuses bytes that are not UTF-8 (as push ingest does) instead of letting them become U+FFFD. */
function utf8Check(): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let seen = 0;
  const fail = () => new AppError("bad_request", `Upload is not valid UTF-8 (in the first ${seen} bytes)`);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        return done(fail());
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
      } catch {
        return done(fail());
      }
      done();
    },
  });
}

export async function uploadCsv(sourceId: string, body: ReadableStream<Uint8Array>, maxBytes = uploadMaxBytes(), encoding: BodyEncoding = "identity"): Promise<WriteResult> {
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  const parser = parse(CSV_PARSE_OPTIONS);
  // pipeline destroys every stage on the first error; the loop below sees it through the parser.
  // The limit holds for the bytes received and, for gzip, for the decoded ones too.
  const decode = encoding === "gzip" ? [createGunzip(), byteLimit(maxBytes)] : [];
  pipeline([source, byteLimit(maxBytes), ...decode, utf8Check(), parser], () => undefined);
  const stage = await UploadStage.open();
  try {
    const batch = new IngestBatch();
    let handle: CsvRowHandler | null = null;
    let header = false;
    const flush = async () => {
      // After the first bad row nothing more is staged: the upload will be refused as a whole.
      if (batch.issues.length || batch.points === 0) return;
      await stage.stage(batch.series.values());
      batch.series.clear();
      batch.points = 0;
    };
    try {
      for await (const row of parser as AsyncIterable<Row>) {
        if (!header) {
          header = true;
          handle = csvRowHandler(batch, row.record);
          if (!handle) break;
          continue;
        }
        handle!(batch, row.record, row.info.lines);
        if (batch.issues.length >= INGEST_LIMITS.maxIssues) break;
        if (batch.points >= CHUNK_POINTS) await flush();
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (/^Z_/.test(String((e as { code?: unknown }).code))) throw new AppError("bad_request", "Upload is not valid gzip (Content-Encoding: gzip)");
      throw new AppError("bad_request", `CSV is malformed: ${(e as Error).message}`);
    }
    if (!header) throw new AppError("unprocessable", "CSV is empty: expected a header row");
    if (batch.issues.length) {
      batch.points = Math.max(batch.points, 1);
      batch.assertValid();
    }
    await flush();
    if (stage.staged === 0) throw new AppError("unprocessable", "The batch has no points");
    const merged = await stage.commit(sourceId);
    return { accepted: merged.accepted, series: merged.seriesIds.length, seriesIds: merged.seriesIds, changedSeriesIds: merged.changedSeriesIds };
  } finally {
    await stage.close();
    // Stop reading the request if we stopped early (bad rows, errors).
    source.destroy();
    parser.destroy();
  }
}
