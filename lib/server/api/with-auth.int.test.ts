/** What withAuth does for every route, shown on the users routes (the session is mocked). */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { GET as list, POST as create } from "@/app/api/v1/users/route";
import { PATCH as patch } from "@/app/api/v1/users/[id]/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withSignedInUser("admin");

const URL = "http://vigil.test:3000/api/v1/users";
const ctx = (id = "") => ({ params: Promise.resolve({ id }) });
const newUser = { email: "forged@example.com", password: "a-long-password-1", role: "ADMIN" };
const post = (headers: Record<string, string>, body: unknown = newUser) =>
  create(new NextRequest(URL, { method: "POST", headers: { host: "vigil.test:3000", ...headers }, body: JSON.stringify(body) }), ctx());
const forged = () => getPrisma().user.count({ where: { email: "forged@example.com" } });

describe("withAuth", () => {
  it("refuses a session write from another origin (port, subdomain) with 403, and creates nothing", async () => {
    const attempts: Record<string, string>[] = [{ origin: "http://vigil.test:3001" }, { origin: "http://evil.vigil.test:3000" }, { "sec-fetch-site": "same-site", origin: "http://x.vigil.test:3000" }];
    for (const headers of attempts) {
      const res = await post({ "content-type": "application/json", ...headers });
      expect(res.status).toBe(403);
      expect((await res.json()).error.message).toMatch(/^Cross-(site|origin) request refused/);
    }
    expect(await forged()).toBe(0);
  });

  it("parses the content type exactly: text/plain; x=application/json is a 415", async () => {
    expect((await post({ "content-type": "text/plain; x=application/json", origin: "http://vigil.test:3000" })).status).toBe(415);
    expect((await post({ "content-type": "application/jsonp" })).status).toBe(415);
    expect(await forged()).toBe(0);
    const ok = await post({ "content-type": "application/json; charset=UTF-8", origin: "http://vigil.test:3000", "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(201);
    expect(await forged()).toBe(1);
  });

  it("names the field holding a NUL or lone surrogate (path, query, body) with 400", async () => {
    const body = await post({ "content-type": "application/json" }, { ...newUser, email: "n@example.com", name: "a\u0000b" });
    expect({ status: body.status, error: (await body.json()).error }).toMatchObject({ status: 400, error: { message: "body.name: must not contain the NUL character (U+0000)", issues: [{ path: "body.name" }] } });
    const path = await patch(new NextRequest(`${URL}/x`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "x" }) }), ctx("x\u0000"));
    expect({ status: path.status, message: (await path.json()).error.message }).toEqual({ status: 400, message: "path.id: must not contain the NUL character (U+0000)" });
    const query = await list(new NextRequest(`${URL}?q=%00`), ctx());
    expect({ status: query.status, message: (await query.json()).error.message }).toEqual({ status: 400, message: "query.q: must not contain the NUL character (U+0000)" });
    expect(await getPrisma().user.count({ where: { email: "n@example.com" } })).toBe(0);
  });

  it("refuses a body past the limit while reading it (no Content-Length), and invalid UTF-8, writing nothing", async () => {
    const users = await getPrisma().user.count();
    let sent = 0;
    // 4 MB in 64 KB chunks, streamed without a Content-Length: the limit (1 MB) must stop the read, not parse it.
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 4_000_000) return c.close();
        sent += 65_536;
        c.enqueue(new Uint8Array(65_536).fill(0x20));
      },
    });
    const big = await create(new NextRequest(URL, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as never), ctx());
    expect({ status: big.status, message: (await big.json()).error.message }).toEqual({ status: 413, message: "Body exceeds 1000000 bytes" });
    expect(sent).toBeLessThan(4_000_000);
    const bad = await create(new NextRequest(URL, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.from([0x7b, 0xff, 0x7d]) }), ctx());
    expect({ status: bad.status, message: (await bad.json()).error.message }).toEqual({ status: 400, message: "Body is not valid UTF-8" });
    expect(await getPrisma().user.count()).toBe(users);
  });

  it("sends Cache-Control: no-store on API JSON, errors included", async () => {
    expect((await list(new NextRequest(URL), ctx())).headers.get("cache-control")).toBe("no-store");
    expect((await post({ "content-type": "text/plain" })).headers.get("cache-control")).toBe("no-store");
  });
});
