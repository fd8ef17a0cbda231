import { createServer, type Server, type Socket } from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, errorResponse, isTransientDatabaseError } from "@/lib/server/api/errors";

describe("errorResponse", () => {
  it("maps AppError codes to their status with the message", async () => {
    const res = errorResponse(new AppError("payload_too_large", "Body exceeds 10 bytes"));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: "payload_too_large", message: "Body exceeds 10 bytes" } });
  });

  it("maps a ZodError to 422 naming each field", async () => {
    const parsed = z.object({ name: z.string(), threshold: z.number().max(1) }).safeParse({ threshold: 3 });
    const res = errorResponse(parsed.error);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["name", "threshold"]);
  });

  it("asks the client to retry when the database is down or a transaction lost a deadlock", async () => {
    const down = { code: "P1001", meta: { driverAdapterError: { cause: { kind: "DatabaseNotReachable" } } } };
    const killed = { code: "P2039", meta: { driverAdapterError: { cause: { originalCode: "57P01" } } } };
    const deadlock = { code: "40P01" };
    for (const e of [down, killed, deadlock]) {
      expect(isTransientDatabaseError(e)).toBe(true);
      const res = errorResponse(e);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
    }
  });

  it("asks the client to retry when plain pg lost or could not reach the database", async () => {
    const socket = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: "connect" });
    const shutdown = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" });
    const lost = [
      ...["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].map(socket),
      shutdown,
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout", { cause: new Error("timeout expired") }),
      new Error("timeout exceeded when trying to connect"),
      new Error("Client has encountered a connection error and is not queryable"),
      new AggregateError([socket("ECONNREFUSED"), socket("ECONNREFUSED")], "connect failed"),
    ];
    for (const e of lost) {
      expect(isTransientDatabaseError(e), e.message).toBe(true);
      const res = errorResponse(e);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
    }
  });

  it("recognises what pg and pg-pool really throw when the server is gone, hangs up or never answers", async () => {
    const listen = async (onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> => {
      const server = createServer(onSocket);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return { server, port: (server.address() as { port: number }).port };
    };
    const failure = (p: Promise<unknown>) => p.then(() => new Error("connected"), (e: unknown) => e);
    const held: Socket[] = [];
    const hangUp = await listen((s) => s.destroy());
    const silent = await listen((s) => held.push(s));
    const closed = await listen(() => undefined);
    await new Promise((resolve) => closed.server.close(resolve));
    try {
      const refused = await failure(new pg.Client({ host: "127.0.0.1", port: closed.port }).connect());
      const terminated = await failure(new pg.Client({ host: "127.0.0.1", port: hangUp.port }).connect());
      const pool = new pg.Pool({ host: "127.0.0.1", port: silent.port, connectionTimeoutMillis: 100 });
      const timedOut = await failure(pool.connect());
      await pool.end();
      expect([refused, terminated, timedOut].map((e) => (e as Error).message)).toEqual([
        expect.stringContaining("ECONNREFUSED"),
        "Connection terminated unexpectedly",
        "Connection terminated due to connection timeout",
      ]);
      for (const e of [refused, terminated, timedOut]) expect(errorResponse(e).status).toBe(503);
    } finally {
      held.forEach((s) => s.destroy());
      await Promise.all([hangUp.server, silent.server].map((srv) => new Promise((resolve) => srv.close(resolve))));
    }
  });

  it("does not take a client's or a programmer's error for a lost database", () => {
    const notTransient = [
      Object.assign(new Error('duplicate key value violates unique constraint "Series_pkey"'), { code: "23505" }),
      Object.assign(new Error("syntax error at or near"), { code: "42601" }),
      Object.assign(new Error("getaddrinfo ENOTFOUND db"), { code: "ENOTFOUND" }),
      new Error("Connection terminated"),
      new Error("connection terminated unexpectedly by the user's code"),
      new AggregateError([new Error("boom")], "several failures"),
      { message: "Connection terminated unexpectedly" },
      "ECONNREFUSED",
    ];
    for (const e of notTransient) expect(isTransientDatabaseError(e), String(e)).toBe(false);
    expect(errorResponse(notTransient[0]).status).toBe(500);
  });

  it("answers anything else with a generic 500 that leaks nothing", async () => {
    const res = errorResponse(new Error("secret internals"));
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain("secret");
    expect(isTransientDatabaseError({ code: "P2002" })).toBe(false);
  });
});
