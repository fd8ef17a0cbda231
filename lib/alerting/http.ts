/** One JSON POST with a time limit, its outcome classified (lib/alerting/outcome.ts). */
import { describeError, errorRetryable, httpRetryable, RESPONSE_LIMIT, type SendOutcome } from "@/lib/alerting/outcome";

export const USER_AGENT = "Vigil-Alerting/1";

export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendOutcome> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, {
      method: "POST",
      body,
      headers: { ...headers, "content-type": "application/json", "user-agent": USER_AGENT },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await res.text()).slice(0, RESPONSE_LIMIT);
    const ok = res.status >= 200 && res.status < 300;
    return {
      ok,
      retryable: !ok && httpRetryable(res.status),
      status: res.status,
      response: text,
      error: ok ? null : `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : ""}`,
      latencyMs: latency(),
    };
  } catch (err) {
    return { ok: false, retryable: errorRetryable(err), status: null, response: null, error: describeError(err), latencyMs: latency() };
  }
}
