/**
 * A webhook receiver for the tests, doing what the README tells receivers to do: verify the
 * signature over the raw body, refuse a stale timestamp, and refuse an idempotency key it has
 * already accepted (a replay). Its answers can be scripted (e.g. 503, 503, then 200) or withheld.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "@/lib/alerting/signature";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  verdict: string;
}

export interface ReceiverOptions {
  secret?: string;
  /** Status for the n-th request (0-based); after the list, 200. "hang": never answer. */
  script?: (number | "hang")[];
}

export async function startWebhookReceiver(opts: ReceiverOptions = {}) {
  const received: Received[] = [];
  const accepted = new Map<string, Received>();
  const hanging: (() => void)[] = [];
  let onRequest: (() => void) | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const planned = opts.script?.[received.length] ?? 200;
      const entry: Received = { headers: req.headers, body, status: 0, verdict: "" };
      received.push(entry);
      onRequest?.();
      if (planned === "hang") {
        hanging.push(() => res.destroy());
        return;
      }
      const answer = (status: number, verdict: string) => {
        entry.status = status;
        entry.verdict = verdict;
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ verdict }));
      };
      if (opts.secret) {
        const check = verifySignature(opts.secret, { signature: req.headers["vigil-signature"] as string, timestamp: req.headers["vigil-timestamp"] as string }, body);
        if (!check.ok) return answer(401, check.reason);
      }
      const key = String(req.headers["idempotency-key"] ?? "");
      if (accepted.has(key)) return answer(409, "replay");
      if (planned !== 200) return answer(planned, `scripted ${planned}`);
      accepted.set(key, entry);
      answer(200, "accepted");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted,
    /** Resolves at the next request. */
    nextRequest: () => new Promise<void>((resolve) => (onRequest = resolve)),
    close: () => {
      hanging.forEach((h) => h());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
