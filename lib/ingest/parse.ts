/** Chooses the parser by Content-Type and returns a batch that is valid as a whole, or throws. */
import { AppError } from "@/lib/server/api/errors";
import { IngestBatch } from "@/lib/ingest/batch";
import { parseJsonBody, parseNdjsonBody } from "@/lib/ingest/parse-json";
import { parseCsvBody } from "@/lib/ingest/parse-csv";

const PARSERS: Record<string, (batch: IngestBatch, text: string) => void> = {
  "application/json": parseJsonBody,
  "application/x-ndjson": parseNdjsonBody,
  "application/ndjson": parseNdjsonBody,
  "text/csv": parseCsvBody,
};

export function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

export function assertSupportedType(contentType: string | null): void {
  if (!PARSERS[mediaTypeOf(contentType)]) {
    throw new AppError("unsupported_media_type", `Content-Type must be one of ${Object.keys(PARSERS).join(", ")} (got ${JSON.stringify(contentType ?? "")})`);
  }
}

export function parseIngestBody(contentType: string | null, text: string): IngestBatch {
  assertSupportedType(contentType);
  const batch = new IngestBatch();
  PARSERS[mediaTypeOf(contentType)](batch, text);
  batch.assertValid();
  return batch;
}
