/**
 * POST /api/v1/ingest: authenticate the source key, read and validate the whole body, write it in
 * one transaction, and answer only after commit.
 */
import { NextResponse } from "next/server";
import { AppError } from "@/lib/server/api/errors";
import { prepareDatabase } from "@/lib/server/database";
import { authenticateIngestKey } from "@/lib/server/queries/api-keys";
import { bearerToken } from "@/lib/ingest/api-key";
import { INGEST_LIMITS } from "@/lib/ingest/batch";
import { assertSupportedType, parseIngestBody } from "@/lib/ingest/parse";
import { readBodyText } from "@/lib/ingest/read-body";
import { writeBatch } from "@/lib/ingest/write";
import { afterPointsWritten } from "@/lib/ingest/after-write";

export async function handleIngest(req: Request): Promise<NextResponse> {
  await prepareDatabase();
  const token = bearerToken(req.headers.get("authorization"));
  if (!token) throw new AppError("unauthorized", "Send a source API key as Authorization: Bearer vgl_...");
  const principal = await authenticateIngestKey(token);
  if (!principal) throw new AppError("unauthorized", "Unknown or revoked API key");
  const { source } = principal;
  if (source.kind !== "HTTP_PUSH") throw new AppError("forbidden", `Source ${source.id} is ${source.kind}, not HTTP_PUSH: it does not accept pushed points`);
  if (source.status === "PAUSED") throw new AppError("forbidden", `Source ${source.id} is paused`);

  const contentType = req.headers.get("content-type");
  assertSupportedType(contentType);
  const text = await readBodyText(req, INGEST_LIMITS.maxBytes, "split the batch");
  const batch = parseIngestBody(contentType, text);
  const result = await writeBatch(source.id, principal.keyId, [...batch.series.values()]);
  await afterPointsWritten(result.changedSeriesIds);
  return NextResponse.json({ accepted: result.accepted, series: result.series });
}
