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
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new ConnectorError(`could not read the response from ${url}: ${describeNetworkError(err, url)}`);
  }
  return { text, contentType: res.headers.get("content-type") ?? "" };
}
