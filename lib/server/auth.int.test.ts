import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { createFirstAdmin } from "@/lib/server/bootstrap";
import { accountDelayMs, checkLogin, isLoginBlocked, LOGIN_LIMITS, recordFailedLogin } from "@/lib/server/queries/login-attempts";
import { countUsers, createUser, findUserByEmail } from "@/lib/server/queries/users";
import { authorizeCredentials, loginPacing, RATE_LIMITED } from "@/lib/auth/options";
import { PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { resetEnvForTests } from "@/lib/env";
import { verifyPassword } from "@/lib/auth/password";
import { getPrisma } from "@/lib/server/db";

withTestDatabase();
vi.mock("server-only", () => ({}));

describe("first admin", () => {
  it("is created once, even by concurrent first-run requests, with a hashed password", async () => {
    const results = await Promise.all(
      [1, 2, 3].map((i) => createFirstAdmin({ email: `first${i}@example.com`, password: "correct horse battery" })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await countUsers()).toBe(1);
    const admin = await getPrisma().user.findFirstOrThrow();
    expect(admin.role).toBe("ADMIN");
    expect(admin.passwordHash).not.toContain("correct horse");
    expect(await verifyPassword(admin.passwordHash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(admin.passwordHash, "wrong")).toBe(false);
    expect(await getPrisma().auditLog.count({ where: { entity: "user", action: "create" } })).toBe(1);
  });

  it("is refused once any user exists", async () => {
    expect(await createFirstAdmin({ email: "late@example.com", password: "another long password" })).toEqual({ created: false });
    expect(await findUserByEmail("late@example.com")).toBeNull();
  });
});

describe("sign-in limits", () => {
  const password = "the right long password";
  const from = (peer: string, forwardedFor?: string) => ({ [PEER_ADDRESS_HEADER]: peer, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) });
  const attempt = (email: string, pass: string, headers: Record<string, string>) => authorizeCredentials({ email, password: pass }, headers).catch((e: Error) => e.message);
  const waits: number[] = [];

  beforeAll(async () => {
    loginPacing.wait = async (ms) => void waits.push(ms);
    await createUser({ email: "owner@example.com", password, role: "ADMIN" });
  });
  afterEach(() => {
    delete process.env.VIGIL_TRUSTED_PROXIES;
    resetEnvForTests();
  });

  it("ignores X-Forwarded-For from untrusted peers: 25 tries with rotating values are limited", async () => {
    const results = [];
    for (let i = 0; i < 25; i++) results.push(await attempt(`guess${i}@example.com`, "wrong", from("203.0.113.9", `10.9.0.${i}`)));
    expect(results.slice(0, LOGIN_LIMITS.perAddress)).toEqual(Array(LOGIN_LIMITS.perAddress).fill(null));
    expect(results.slice(LOGIN_LIMITS.perAddress)).toEqual(Array(25 - LOGIN_LIMITS.perAddress).fill(RATE_LIMITED));
    // The same holds for one account: its attacker's address is limited for it.
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) expect(await attempt("owner@example.com", "wrong", from("203.0.113.10", `10.8.0.${i}`))).toBeNull();
    expect(await attempt("owner@example.com", "wrong", from("203.0.113.10", "10.8.0.99"))).toBe(RATE_LIMITED);
  });

  it("cannot be turned against the owner: signing in from elsewhere works, only slowed down", async () => {
    waits.length = 0;
    const ok = await attempt("owner@example.com", password, from("198.51.100.20"));
    expect(ok).toMatchObject({ email: "owner@example.com", role: "ADMIN" });
    expect(waits).toEqual([accountDelayMs(LOGIN_LIMITS.perAccountAndAddress)]);
    expect(waits[0]).toBeGreaterThan(0);
    // The success cleared the account's counters: the attacker's address starts over for it.
    expect(await attempt("owner@example.com", "wrong", from("203.0.113.10"))).toBeNull();
  });

  it("believes X-Forwarded-For hop by hop from VIGIL_TRUSTED_PROXIES only", async () => {
    process.env.VIGIL_TRUSTED_PROXIES = "10.0.0.0/8, ::1";
    resetEnvForTests();
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) expect(await attempt("x@example.com", "wrong", from("10.0.0.2", `192.0.2.44, 10.1.1.1`))).toBeNull();
    // The same client through another trusted proxy is the same address: limited.
    expect(await attempt("x@example.com", "wrong", from("::1", "192.0.2.44"))).toBe(RATE_LIMITED);
    // A client forging a hop in front of its real address does not escape.
    expect(await attempt("x@example.com", "wrong", from("10.0.0.2", "1.2.3.4, 192.0.2.44"))).toBe(RATE_LIMITED);
    expect(await attempt("x@example.com", "wrong", from("10.0.0.2", "192.0.2.45"))).toBeNull();
  });

  it("blocks an address that tries many accounts, and forgets failures older than the window", async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) await recordFailedLogin(`user${i}@example.com`, "192.0.2.7");
    expect(await isLoginBlocked("fresh@example.com", "192.0.2.7")).toBe(true);
    expect(await isLoginBlocked("fresh@example.com", "192.0.2.8")).toBe(false);
    const old = new Date(Date.now() - LOGIN_LIMITS.windowMs - 60_000);
    await getPrisma().loginAttempt.createMany({ data: Array.from({ length: 10 }, () => ({ key: "pair:old@example.com|198.51.100.1", createdAt: old })) });
    expect(await checkLogin("old@example.com", "198.51.100.1")).toEqual({ blocked: false, delayMs: 0 });
  });

  it("the slow-down doubles and is capped", () => {
    expect([4, 5, 6, 7, 20].map(accountDelayMs)).toEqual([0, 250, 500, 1000, LOGIN_LIMITS.maxDelayMs]);
  });
});
