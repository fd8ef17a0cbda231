import { expect, test } from "@playwright/test";
import { storageStatePath } from "./fixtures";

test.describe("admin", () => {
  test.use({ storageState: storageStatePath("ADMIN") });

  test("adds an operator, promotes them to analyst, and the new account signs in with its role", async ({ page, browser }) => {
    const email = `new-${Date.now()}@e2e.test`;
    await page.goto("/admin");
    const form = page.getByRole("form", { name: "Add user" });
    await form.getByLabel("E-mail").fill(email);
    await form.getByLabel("Name").fill("New Person");
    await form.getByLabel("Initial password").fill("a-good-initial-password");
    await form.getByLabel("Role").selectOption("OPERATOR");
    await form.getByRole("button", { name: "Add user" }).click();
    const row = page.getByRole("row").filter({ hasText: email });
    await expect(row).toBeVisible();
    await row.getByLabel(`Role of ${email}`).selectOption("ANALYST");
    await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("ANALYST");
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: email }).getByLabel(`Role of ${email}`)).toHaveValue("ANALYST");
    await expect(page.getByRole("cell", { name: /update user/ }).first()).toBeVisible();
    await page.screenshot({ path: "test-results/screens/admin-users.png", fullPage: true });

    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const other = await context.newPage();
    await other.goto("/signin");
    await other.getByLabel("E-mail").fill(email);
    await other.getByLabel("Password").fill("a-good-initial-password");
    await other.getByRole("button", { name: "Sign in" }).click();
    await expect(other.getByText("Analyst", { exact: true })).toBeVisible();
    await expect(other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
    await context.close();
  });

  test("shows the field that is wrong when a user cannot be created", async ({ page }) => {
    await page.goto("/admin");
    const form = page.getByRole("form", { name: "Add user" });
    await form.getByLabel("E-mail").fill("admin@e2e.test");
    await form.getByLabel("Initial password").fill("a-good-initial-password");
    await form.getByRole("button", { name: "Add user" }).click();
    await expect(form.getByRole("alert")).toContainText("already exists");
  });

  test("a ping travels from the web app through the queue to the worker and back", async ({ request }) => {
    const res = await request.post("/api/v1/system/ping");
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, backend: "redis", worker: { pong: true } });
  });

  test("refuses to demote the last admin", async ({ request }) => {
    const me = await (await request.get("/api/v1/me")).json();
    const res = await request.patch(`/api/v1/users/${me.user.id}`, { data: { role: "OPERATOR" } });
    expect(res.status()).toBe(409);
    expect((await res.json()).error.message).toContain("admin must remain");
  });
});
