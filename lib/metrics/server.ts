/**
 * The worker's metrics endpoint: GET /metrics on its own port (VIGIL_WORKER_METRICS_PORT), a
 * plain node:http server beside the BullMQ workers. GET /healthz answers 200 without a token while
 * the event loop turns (a liveness probe: it tells nothing but that). Anything else is 404.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { scrapeMetrics } from "@/lib/metrics/render";

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(opts: { port: number; host: string; token?: string; onError?: (err: Error) => void }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz" && req.method === "GET") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end("ok\n");
      return;
    }
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found: metrics are at GET /metrics\n");
      return;
    }
    scrapeMetrics(req.headers.authorization, opts.token).then(
      (a) => res.writeHead(a.status, { "content-type": a.contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : a.body),
      (err: Error) => {
        opts.onError?.(err);
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("Metrics could not be collected\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new Error(`Port ${opts.port} on ${opts.host} is taken: choose another VIGIL_WORKER_METRICS_PORT`) : err),
    );
    server.listen(opts.port, opts.host, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // scrapers keep connections alive
      }),
  };
}
