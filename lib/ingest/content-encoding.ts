/**
 * Request bodies may come gzip-compressed (agents send `Content-Encoding: gzip`); they are decoded
 * within the same byte limits as plain ones, counted after decoding. Any other coding is refused
 * with 415 rather than parsed as if it were plain text.
 */
import { AppError } from "@/lib/server/api/errors";

export type BodyEncoding = "identity" | "gzip";

export function bodyEncodingOf(req: Request): BodyEncoding {
  const codings = (req.headers.get("content-encoding") ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== "identity");
  if (codings.length === 0) return "identity";
  if (codings.length === 1 && (codings[0] === "gzip" || codings[0] === "x-gzip")) return "gzip";
  throw new AppError("unsupported_media_type", `Content-Encoding ${JSON.stringify(req.headers.get("content-encoding"))} is not supported: send gzip or no encoding`);
}
