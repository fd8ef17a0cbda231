/** proxy.ts on page requests: run-time headers, sign-in redirect, and a 503 when the database is down. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { resetEnvForTests } from "@/lib/env";
import { disconnectPrisma } from "@/lib/server/db";
import { proxy } from "@/proxy";
import { GET as health } from "@/app/api/health/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
process.env.NEXTAUTH_SECRET ??= "a-test-secret-of-enough-length";

const page = (path: string) => proxy(new NextRequest(`http://localhost:3000${path}`));
const scriptSrc = (res: Response) => /script-src ([^;]*)/.exec(res.headers.get("content-security-policy") ?? "")?.[1] ?? "";

describe("page headers", () => {
  it("a nonce-based CSP without 'unsafe-inline' for scripts, fresh on each request", async () => {
    const [a, b] = [await page("/sources"), await page("/sources")];
    expect(a.status).toBe(307);
    expect(scriptSrc(a)).toMatch(/^'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'$/);
    expect(scriptSrc(a)).not.toBe(scriptSrc(b));
  });

  it("HSTS follows the running configuration, not the build", async () => {
    expect((await page("/sources")).headers.get("strict-transport-security")).toBeNull();
    process.env.NEXTAUTH_URL = "https://vigil.example.com";
    resetEnvForTests();
    try {
      expect((await page("/sources")).headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    } finally {
      delete process.env.NEXTAUTH_URL;
      resetEnvForTests();
    }
  });

  it("a fresh install's /signin goes to /setup", async () => {
    const res = await page("/signin");
    expect({ status: res.status, location: res.headers.get("location") }).toEqual({ status: 307, location: "http://localhost:3000/setup" });
  });
});

describe("database down", () => {
  let saved = "";
  beforeAll(async () => {
    saved = process.env.DATABASE_URL!;
    await disconnectPrisma();
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/gone";
    resetEnvForTests();
  });
  afterAll(async () => {
    await disconnectPrisma();
    process.env.DATABASE_URL = saved;
    resetEnvForTests();
  });

  it("/signin and /setup answer 503 with Retry-After and a plain page", async () => {
    expect((await page("/setup")).status).toBe(503);
    const res = await page("/signin?callbackUrl=%2Fsources");
    const html = await res.text();
    expect({ status: res.status, retry: res.headers.get("retry-after"), csp: scriptSrc(res) !== "" }).toEqual({ status: 503, retry: "5", csp: true });
    expect(html).toContain("Vigil cannot reach its database");
    expect(html).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|prisma|postgres/i);
  });

  it("the health report says which part is down, in plain words", async () => {
    const res = await health();
    const body = await res.json();
    expect({ status: res.status, retry: res.headers.get("retry-after"), database: body.database }).toEqual({ status: 503, retry: "5", database: { ok: false, error: "database unavailable" } });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|prisma/i);
  });
});
