/** HTTP GET for pulled sources: bounded in time, errors that name the URL and the status. */
import { ConnectorError, describeNetworkError } from "@/lib/connectors/errors";

export interface FetchTextResult {
  text: string;
  contentType: string;
}

/** Largest response a poll reads; beyond it the source should be split or filtered. */
export const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

export async function fetchText(url: string, timeoutMs: number, accept = "*/*"): Promise<FetchTextResult> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (err) {
    const e = err as { name?: string };
    if (e?.name === "TimeoutError") throw new ConnectorError(`no response from ${url} within ${Math.round(timeoutMs / 1000)} s`);
    throw new ConnectorError(describeNetworkError(err, url));
  }
  if (!res.ok) {
    const detail = (await res.text().catch(() => "")).trim().slice(0, 200);
    throw new ConnectorError(`HTTP ${res.status} from ${url}${detail ? `: ${detail}` : ""}`);
  }
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > MAX_RESPONSE_BYTES) throw new ConnectorError(`response from ${url} is larger than ${MAX_RESPONSE_BYTES} bytes`);
  return { text: await readCapped(res, url), contentType: res.headers.get("content-type") ?? "" };
}

/** Reads the body, stopping as soon as it passes MAX_RESPONSE_BYTES (chunked answers have no length). */
async function readCapped(res: Response, url: string): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw new ConnectorError(`response from ${url} is larger than ${MAX_RESPONSE_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    throw new ConnectorError(`could not read the response from ${url}: ${describeNetworkError(err, url)}`);
  }
  return Buffer.concat(chunks).toString("utf8");
}
