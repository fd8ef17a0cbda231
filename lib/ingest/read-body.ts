/**
 * Reads a request body as UTF-8 text, refusing it (413) as soon as it exceeds the limit. A gzip
 * body (content-encoding.ts) is decoded, and the limit applies to the compressed and the decoded
 * size alike, so a small "zip bomb" is refused without being inflated past the limit. Ingest and every
 * JSON body `withAuth` parses read through here, so no body is held whole before its size is known.
 */
import { gunzipSync } from "node:zlib";
import { AppError } from "@/lib/server/api/errors";
import { bodyEncodingOf } from "@/lib/ingest/content-encoding";

/** `advice` ends the 413 message (ingest: "split the batch"). */
export async function readBodyText(req: Request, maxBytes: number, advice?: string): Promise<string> {
  const encoding = bodyEncodingOf(req);
  const declared = Number(req.headers.get("content-length") ?? NaN);
  const tooLarge = () => new AppError("payload_too_large", `Body exceeds ${maxBytes} bytes${encoding === "gzip" ? " (decoded)" : ""}${advice ? `; ${advice}` : ""}`);
  if (declared > maxBytes) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  let bytes: Buffer = Buffer.concat(chunks);
  if (encoding === "gzip" && bytes.length > 0) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge();
      throw new AppError("bad_request", "Body is not valid gzip (Content-Encoding: gzip)");
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "Body is not valid UTF-8");
  }
}
