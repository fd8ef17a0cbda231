/** A local HTTP peer for connector tests: answers each request with the handler's result. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestReply {
  status?: number;
  type?: string;
  body: string;
}

export async function startTestServer(handler: (req: IncomingMessage, url: URL) => TestReply | Promise<TestReply>): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const r = await handler(req, url);
    res.writeHead(r.status ?? 200, { "content-type": r.type ?? "application/json" });
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
