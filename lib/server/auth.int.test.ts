import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { createFirstAdmin } from "@/lib/server/bootstrap";
import { clearFailedLogins, isLoginBlocked, LOGIN_LIMITS, recordFailedLogin } from "@/lib/server/queries/login-attempts";
import { countUsers, findUserByEmail } from "@/lib/server/queries/users";
import { verifyPassword } from "@/lib/auth/password";
import { getPrisma } from "@/lib/server/db";

withTestDatabase();

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

describe("sign-in rate limit", () => {
  it("blocks an account after its failures and unblocks it after a success clears them", async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccount - 1; i++) await recordFailedLogin("victim@example.com", `10.0.0.${i}`);
    expect(await isLoginBlocked("victim@example.com", "10.0.0.99")).toBe(false);
    await recordFailedLogin("victim@example.com", "10.0.0.50");
    expect(await isLoginBlocked("victim@example.com", "10.0.0.99")).toBe(true);
    // Other accounts from other addresses are unaffected.
    expect(await isLoginBlocked("someone@example.com", "10.0.0.99")).toBe(false);
    await clearFailedLogins("victim@example.com");
    expect(await isLoginBlocked("victim@example.com", "10.0.0.99")).toBe(false);
  });

  it("blocks an address that tries many accounts", async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) await recordFailedLogin(`user${i}@example.com`, "192.0.2.7");
    expect(await isLoginBlocked("fresh@example.com", "192.0.2.7")).toBe(true);
    expect(await isLoginBlocked("fresh@example.com", "192.0.2.8")).toBe(false);
  });

  it("forgets failures older than the window", async () => {
    const old = new Date(Date.now() - LOGIN_LIMITS.windowMs - 60_000);
    await getPrisma().loginAttempt.createMany({
      data: Array.from({ length: LOGIN_LIMITS.perAccount }, () => ({ key: "account:old@example.com", createdAt: old })),
    });
    expect(await isLoginBlocked("old@example.com", "198.51.100.1")).toBe(false);
  });
});
