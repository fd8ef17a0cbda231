/**
 * Admin lists: every API key with its source and last use, revoked in place (the revocation shows
 * in the audit log, filtered by entity and by that key); the audit log keeps its filters in the
 * URL. Other roles get 403 on both pages.
 */
import { expect, test } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const suffix = Date.now().toString(36);

test.describe("admin lists", () => {
  test.use({ storageState: storageStatePath("ADMIN"), viewport: { width: 1280, height: 900 } });

  test("admin revokes a key from the overview of every key and finds it in the audit log", async ({ page, request }) => {
    const source = await request.post("/api/v1/sources", { data: { name: `e2e-keys-${suffix}`, kind: "HTTP_PUSH" } });
    const sourceId = (await source.json()).id;
    const key = await (await request.post(`/api/v1/sources/${sourceId}/keys`, { data: { name: `ci-${suffix}` } })).json();
    const push = await request.post("/api/v1/ingest", { data: { series: "x", points: [[1_700_000_000, 1]] }, headers: { authorization: `Bearer ${key.key}` } });
    expect(push.status()).toBe(200);

    await page.goto("/admin");
    await page.getByRole("navigation", { name: "Admin pages" }).getByRole("link", { name: "API keys" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: `ci-${suffix}` });
    await expect(row).toContainText(`e2e-keys-${suffix}`);
    await expect(row).toContainText(`vgl_${key.prefix}_`);
    await expect(row.getByRole("cell").nth(4)).toContainText("UTC"); // last used
    await expect(row).toContainText("active");
    await page.screenshot({ path: `${SCREENS}/admin-api-keys.png`, fullPage: true });
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: "Revoke key" }).click();
    await expect(row).toContainText("revoked");
    const again = await request.post("/api/v1/ingest", { data: { series: "x", points: [[1_700_000_001, 1]] }, headers: { authorization: `Bearer ${key.key}` }, failOnStatusCode: false });
    expect(again.status()).toBe(401);

    await page.goto("/admin/audit");
    await page.getByLabel("Entity").selectOption("api_key");
    await expect(page).toHaveURL(/entity=api_key/);
    const revoked = page.getByRole("row").filter({ hasText: "revoke api key" }).first();
    await expect(revoked).toContainText("admin@e2e.test");
    await expect(revoked).toContainText(key.prefix);
    await revoked.getByRole("button", { name: key.id }).click();
    await expect(page).toHaveURL(new RegExp(`entityId=${key.id}`));
    await expect(page.locator("tbody tr")).toHaveCount(2);
    await expect(page.locator("tbody tr").nth(1)).toContainText("create api key");
    await page.screenshot({ path: `${SCREENS}/admin-audit-key.png`, fullPage: true });
    await page.reload();
    await expect(page.getByLabel("Entity")).toHaveValue("api_key");
    await expect(page.locator("tbody tr")).toHaveCount(2);
    await request.delete(`/api/v1/sources/${sourceId}`);
  });
});

for (const role of ["ANALYST", "OPERATOR"] as const) {
  test.describe(`${role.toLowerCase()}`, () => {
    test.use({ storageState: storageStatePath(role) });
    test("is refused the audit log and the key overview with 403", async ({ page }) => {
      for (const path of ["/admin/audit", "/admin/api-keys"]) {
        expect((await page.goto(path))?.status(), path).toBe(403);
        await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
      }
    });
  });
}
