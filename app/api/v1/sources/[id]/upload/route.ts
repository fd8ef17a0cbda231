/**
 * Upload a CSV file to a CSV_UPLOAD source. The body is streamed (never read whole) and written
 * all-or-nothing in one transaction; see lib/ingest/upload-csv.ts.
 * proxy.ts must keep excluding /api/ from its matcher: on matched paths Next buffers the body in
 * memory and cuts it at `proxyClientMaxBodySize` (10 MB by default).
 */
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { AppError } from "@/lib/server/api/errors";
import { getSource } from "@/lib/server/queries/sources";
import { assertMediaType } from "@/lib/server/api/request-checks";
import { bodyEncodingOf } from "@/lib/ingest/content-encoding";
import { uploadCsv, uploadMaxBytes } from "@/lib/ingest/upload-csv";
import { afterPointsWritten } from "@/lib/ingest/after-write";

export const POST = withAuth<undefined, undefined, { id: string }>(
  async ({ req, params }) => {
    const source = await getSource(params.id);
    if (source.kind !== "CSV_UPLOAD") throw new AppError("conflict", `Source ${source.name} is ${source.kind}, not CSV_UPLOAD: it does not accept file uploads`);
    if (source.status === "PAUSED") throw new AppError("conflict", `Source ${source.name} is paused; resume it before uploading`);
    assertMediaType(req.headers.get("content-type"), "text/csv");
    const encoding = bodyEncodingOf(req);
    const maxBytes = uploadMaxBytes();
    if (Number(req.headers.get("content-length") ?? NaN) > maxBytes) throw new AppError("payload_too_large", `Upload exceeds ${maxBytes} bytes`);
    if (!req.body) throw new AppError("unprocessable", "CSV is empty: expected a header row");
    const result = await uploadCsv(source.id, req.body, maxBytes, encoding);
    await afterPointsWritten(result.changedSeriesIds);
    return NextResponse.json({ accepted: result.accepted, series: result.series });
  },
  { permission: "sources:write" },
);
