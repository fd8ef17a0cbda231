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

  it("answers anything else with a generic 500 that leaks nothing", async () => {
    const res = errorResponse(new Error("secret internals"));
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain("secret");
    expect(isTransientDatabaseError({ code: "P2002" })).toBe(false);
  });
});
