/** The source test and upload routes over HTTP shapes, signed in as an admin (session mocked). */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { gzipSync } from "node:zlib";
import { getPrisma } from "@/lib/server/db";
import { withTestDatabase } from "@/test/test-database";
import { withSignedInUser } from "@/test/route-requests";
import { createSource } from "@/lib/server/queries/sources";
import { POST as testConfig } from "@/app/api/v1/sources/test/route";
import { POST as testSaved } from "@/app/api/v1/sources/[id]/test/route";
import { POST as upload } from "@/app/api/v1/sources/[id]/upload/route";

withTestDatabase();
vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "u1", sid: "s-u1" } }) }));
withSignedInUser("u1");

let csvId = "";
let pushId = "";
beforeAll(async () => {
  csvId = (await createSource({ name: "csv", kind: "CSV_UPLOAD", config: {} }, null)).id;
  pushId = (await createSource({ name: "push", kind: "HTTP_PUSH", config: {} }, null)).id;
});

const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
const json = (url: string, body: unknown) => new NextRequest(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
function csv(id: string, text: string | Uint8Array, type = "text/csv", headers: Record<string, string> = {}) {
  const body = new Response(typeof text === "string" ? text : Buffer.from(text)).body!;
  return upload(new NextRequest(`http://localhost/api/v1/sources/${id}/upload`, { method: "POST", headers: { "content-type": type, ...headers }, body, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]), ctx(id));
}

describe("POST /api/v1/sources/test", () => {
  it("422 with field paths for a bad config", async () => {
    const res = await testConfig(json("http://localhost/api/v1/sources/test", { kind: "PROMETHEUS", config: { baseUrl: "nope", query: "", step: 0, interval: 60 } }), ctx(""));
    expect(res.status).toBe(422);
    expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(["config.baseUrl", "config.query", "config.step"]);
  });

  it("push sources: ok with a message and no sample; saved sources the same", async () => {
    const res = await testConfig(json("http://localhost/api/v1/sources/test", { kind: "HTTP_PUSH", config: {} }), ctx(""));
    expect(await res.json()).toMatchObject({ ok: true, sample: null, message: expect.any(String) });
    const saved = await testSaved(new NextRequest(`http://localhost/api/v1/sources/${pushId}/test`, { method: "POST" }), ctx(pushId));
    expect(await saved.json()).toMatchObject({ ok: true, sample: null });
    expect((await testSaved(new NextRequest("http://localhost/x", { method: "POST" }), ctx("missing"))).status).toBe(404);
  });
});

describe("POST /api/v1/sources/[id]/upload", () => {
  it("stores a CSV and answers {accepted, series}", async () => {
    const res = await csv(csvId, "timestamp,series,value,host\n2024-05-01T00:00:00Z,cpu,1,a\n2024-05-01T00:01:00Z,cpu,2,b\n");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, series: 2 });
  });

  it("refuses other kinds (409), other media types (415), bad rows (422 with issues)", async () => {
    const other = await csv(pushId, "timestamp,x\n1,2\n");
    expect(other.status).toBe(409);
    expect((await other.json()).error.message).toBe("Source push is HTTP_PUSH, not CSV_UPLOAD: it does not accept file uploads");
    expect((await csv(csvId, "timestamp,x\n1,2\n", "application/json")).status).toBe(415);
    const bad = await csv(csvId, "timestamp,x\n1,oops\n");
    expect(bad.status).toBe(422);
    expect((await bad.json()).error).toMatchObject({ message: "line 2: x: value must be a finite number", issues: [{ path: "line 2: x" }] });
  });

  it("refuses invalid UTF-8 with 400 as push ingest does, and stores nothing", async () => {
    const before = await getPrisma().dataPoint.count();
    const head = Buffer.from("timestamp,series,value,host\n2024-05-02T00:00:00Z,cpu,1,");
    for (const bad of [Buffer.from([0xff]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc3])]) {
      const res = await csv(csvId, Buffer.concat([head, bad, Buffer.from("\n")]));
      expect({ status: res.status, message: (await res.json()).error.message }).toEqual({ status: 400, message: expect.stringMatching(/^Upload is not valid UTF-8/) });
    }
    const nul = await csv(csvId, "timestamp,series,value,host\n2024-05-02T00:00:00Z,cpu,1,a\u0000\n");
    expect((await nul.json()).error).toMatchObject({ code: "unprocessable", issues: [{ path: "line 2: labels.host" }] });
    expect(await getPrisma().dataPoint.count()).toBe(before);
  });

  it("decodes a gzip upload, and refuses other encodings and look-alike types with 415", async () => {
    const res = await csv(csvId, gzipSync("timestamp,series,value\n2024-05-03T00:00:00Z,gz,1\n2024-05-03T00:01:00Z,gz,2\n"), "text/csv", { "content-encoding": "gzip" });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { accepted: 2, series: 1 } });
    expect((await csv(csvId, "x", "text/csv", { "content-encoding": "deflate" })).status).toBe(415);
    expect((await csv(csvId, "timestamp,x\n1,2\n", "text/plain; x=text/csv")).status).toBe(415);
    expect((await csv(csvId, "not gzip", "text/csv", { "content-encoding": "gzip" })).status).toBe(400);
  });
});
