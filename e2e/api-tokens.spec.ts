/**
 * Personal API tokens: an analyst creates a narrowed token, sees its secret once, uses it with no
 * cookie (a scope it has works, one it lacks is 403), revokes it, and the token gets 401.
 */
import { expect, test } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const name = `script-${Date.now().toString(36)}`;

test.describe("API tokens", () => {
  test.use({ storageState: storageStatePath("ANALYST"), viewport: { width: 1280, height: 900 } });

  test("create (secret shown once), use without a session, revoke", async ({ page, playwright }) => {
    await page.goto("/");
    await page.getByRole("link", { name: "API tokens" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "API tokens" })).toBeVisible();

    const form = page.getByRole("form", { name: "New API token" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("anomalies:label").uncheck();
    await form.getByRole("button", { name: "Create token" }).click();
    const secret = page.getByTestId("api-token-secret");
    await expect(secret).toHaveText(/^vglt_[0-9a-f]{12}_[0-9a-f]{64}$/);
    const token = (await secret.textContent())!;
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toContainText(token.slice(0, 17));
    await expect(row).toContainText("active");
    await expect(row).not.toContainText("anomalies:label");
    await page.screenshot({ path: `${SCREENS}/api-tokens-created.png`, fullPage: true });

    const api = await playwright.request.newContext({ baseURL: new URL(page.url()).origin, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    expect((await api.get("/api/v1/sources")).status()).toBe(200);
    const lacking = await api.post("/api/v1/labels/missed", { data: { detectorId: "nonexistent" }, failOnStatusCode: false });
    expect(lacking.status()).toBe(403);
    expect((await lacking.json()).error.message).toBe("This API token lacks the scope anomalies:label");

    await page.reload();
    await expect(page.getByTestId("api-token-secret")).toHaveCount(0);
    await expect(page.getByText(token)).toHaveCount(0);
    await expect(row.getByRole("cell").nth(4)).toContainText("UTC"); // last used
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: "Revoke token" }).click();
    await expect(row).toContainText("revoked");
    await page.screenshot({ path: `${SCREENS}/api-tokens-revoked.png`, fullPage: true });

    const after = await api.get("/api/v1/sources", { failOnStatusCode: false });
    expect(after.status()).toBe(401);
    expect((await after.json()).error.message).toMatch(/^API token [0-9a-f]{12} was revoked$/);
    await api.dispose();
  });
});
