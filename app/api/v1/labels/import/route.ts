import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { parseMediaType } from "@/lib/server/api/request-checks";
import { AppError } from "@/lib/server/api/errors";
import { assertStorable } from "@/lib/server/api/storable-text";
import { parseCsvRows, validateRows } from "@/lib/feedback/transfer";
import { importLabels } from "@/lib/server/queries/label-transfer";
import { readBodyText } from "@/lib/ingest/read-body";

const MAX_BYTES = 10_000_000;
/** One transaction per import: larger sets go in several files. */
const MAX_ROWS = 50_000;

/** Rows as exported: `text/csv`, or JSON `{ rows }`. Idempotent; any bad row fails the import with a 422 naming row and field. */
export const POST = withAuth(
  async ({ req, user }) => {
    const type = parseMediaType(req.headers.get("content-type"))?.type;
    if (type !== "text/csv" && type !== "application/json") throw new AppError("unsupported_media_type", "Content-Type must be text/csv or application/json");
    const text = await readBodyText(req, MAX_BYTES, "split the import into several files");
    let raw: unknown[];
    if (type === "text/csv") {
      const parsed = parseCsvRows(text);
      if (parsed.issues.length) throw new AppError("unprocessable", `CSV ${parsed.issues[0].message}`, parsed.issues);
      raw = parsed.rows;
    } else {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new AppError("bad_request", `Body is not valid JSON: ${(e as Error).message}`);
      }
      const rows = (json as { rows?: unknown })?.rows;
      if (!Array.isArray(rows)) throw new AppError("unprocessable", "rows: must be an array of label rows", [{ path: "rows", message: "must be an array of label rows" }]);
      raw = rows;
    }
    assertStorable(raw, "body");
    if (raw.length === 0) throw new AppError("unprocessable", "rows: nothing to import", [{ path: "rows", message: "nothing to import" }]);
    if (raw.length > MAX_ROWS) throw new AppError("unprocessable", `rows: at most ${MAX_ROWS} per import`, [{ path: "rows", message: `at most ${MAX_ROWS} per import` }]);
    const { rows, issues } = validateRows(raw);
    if (issues.length) throw new AppError("unprocessable", `Invalid rows: ${issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
    return NextResponse.json(await importLabels(rows, user.id));
  },
  { permission: "anomalies:label" },
);
