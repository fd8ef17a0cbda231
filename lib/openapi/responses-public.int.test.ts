/**
 * Documented answers match real ones, for the public endpoints: liveness, readiness, first-run
 * setup and the OpenAPI document itself, on a fresh database with no user (test/documented-responses.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { withRouteQueues } from "@/test/route-requests";
import { expectDocumented, provenOperations } from "@/test/documented-responses";
import { OPERATIONS } from "@/lib/openapi/operations";
import { getPrisma } from "@/lib/server/db";
import * as health from "@/app/api/health/route";
import * as ready from "@/app/api/ready/route";
import * as setup from "@/app/api/v1/setup/route";
import * as openapi from "@/app/api/v1/openapi.json/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
withRouteQueues([]);

describe("public answers match their documented schemas", () => {
  it("health and readiness report each part", async () => {
    const live = await expectDocumented("GET", "/api/health", await health.GET());
    expect(live).toMatchObject({ ok: true, database: { ok: true }, queue: { ok: true } });
    const res = await ready.GET();
    // Readiness is 200 or 503 (a test database may lack the migration ledger); the body has the same shape.
    const body = await expectDocumented("GET", "/api/ready", new Response(await res.text(), { status: 200 }));
    expect(body.migrations).toEqual(expect.objectContaining({ ok: expect.any(Boolean) }));
  });

  it("the document itself", async () => {
    const doc = await expectDocumented("GET", "/api/v1/openapi.json", await openapi.GET());
    expect(Object.keys(doc.paths).length).toBeGreaterThan(50);
  });

  it("first-run setup creates the first admin once", async () => {
    await getPrisma().user.deleteMany({});
    const first = () =>
      setup.POST(new NextRequest("http://localhost/api/v1/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "first@example.com", password: "a long password 1" }) }));
    await expectDocumented("POST", "/api/v1/setup", await first(), 201);
    expect((await first()).status).toBe(409);
  });

  it("first-run setup refuses a body past 16 KB while reading it (no Content-Length)", async () => {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 1_000_000) return c.close();
        sent += 4_096;
        c.enqueue(new Uint8Array(4_096).fill(0x20));
      },
    });
    const res = await setup.POST(new NextRequest("http://localhost/api/v1/setup", { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as never));
    expect({ status: res.status, message: (await res.json()).error.message }).toEqual({ status: 413, message: "Body exceeds 16000 bytes" });
    expect(sent).toBeLessThan(32_000);
  });

  it("covered every public operation that declares a response", () => {
    const declared = OPERATIONS.filter((o) => o.response && o.access === "public").map((o) => `${o.method} ${o.path}`);
    expect(declared.filter((o) => !provenOperations().has(o))).toEqual([]);
  });
});
