/**
 * Against the real server: forged cross-origin writes, run-time page headers, sessions that end on
 * sign-out, and sign-in limits that do not believe a client's X-Forwarded-For.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_PASSWORD, E2E_PORT, E2E_USERS, storageStatePath } from "./fixtures";

const ORIGIN = `http://127.0.0.1:${E2E_PORT}`;

async function credentialsSignIn(request: APIRequestContext, email: string, password: string, headers: Record<string, string> = {}) {
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true", callbackUrl: "/" },
    headers: { ...headers, origin: ORIGIN },
    maxRedirects: 0,
    failOnStatusCode: false,
  });
  return new URL((await res.json()).url, ORIGIN).searchParams.get("error");
}

test.describe("forged requests (admin session)", () => {
  test.use({ storageState: storageStatePath("ADMIN") });

  test("a page on another port cannot create an admin with the admin's cookie", async ({ request }) => {
    const user = { email: `forged-${Date.now()}@e2e.test`, password: "forged-long-password", role: "ADMIN" };
    const forged = await request.post("/api/v1/users", { data: user, headers: { origin: `http://127.0.0.1:${E2E_PORT + 1}` }, failOnStatusCode: false });
    expect(forged.status()).toBe(403);
    const sameSite = await request.post("/api/v1/users", { data: user, headers: { "sec-fetch-site": "same-site" }, failOnStatusCode: false });
    expect(sameSite.status()).toBe(403);
    const plain = await request.post("/api/v1/users", { data: JSON.stringify(user), headers: { "content-type": "text/plain; x=application/json", origin: ORIGIN }, failOnStatusCode: false });
    expect(plain.status()).toBe(415);
    const users = await (await request.get("/api/v1/users")).json();
    expect(users.items.map((u: { email: string }) => u.email)).not.toContain(user.email);
    expect((await request.get("/api/v1/users")).headers()["cache-control"]).toBe("no-store");
  });

  test("pages run under a nonce CSP without 'unsafe-inline' scripts, and still work", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto("/sources");
    const csp = res!.headers()["content-security-policy"];
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);
    expect(nonce).toBeTruthy();
    // Hydrated: client navigation works.
    await page.getByRole("link", { name: "Detectors" }).first().click();
    await expect(page).toHaveURL(/\/detectors/);
    expect(violations).toEqual([]);
  });
});

test("sign-out ends the session: the old cookie no longer works", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(E2E_USERS.OPERATOR.email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const cookies = await context.cookies();
  expect((await context.request.get("/api/v1/me")).status()).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  // Replay the cookie the browser had before signing out.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  expect((await replay.request.get("/api/v1/me")).status()).toBe(401);
  await Promise.all([context.close(), replay.close()]);
});

// Per (account, address): were the header believed, each try would count for a new address and
// never be limited. (One account only: blocking 127.0.0.1 outright would stop later specs signing in.)
test("rotating X-Forwarded-For does not escape the sign-in limit", async ({ request }) => {
  const errors: (string | null)[] = [];
  for (let i = 0; i < 6; i++) errors.push(await credentialsSignIn(request, "nobody@e2e.test", "wrong password", { "x-forwarded-for": `10.77.0.${i}` }));
  expect(errors).toEqual(["CredentialsSignin", "CredentialsSignin", "CredentialsSignin", "CredentialsSignin", "CredentialsSignin", "RateLimited"]);
});
