/**
 * Service accounts: an admin creates one, issues it a token (secret shown once), a script with
 * only that Bearer token creates a source through the API, the token shows as used on the admin
 * token page, the admin revokes it there, and the script's next call is 401.
 */
import { expect, test } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const handle = `ci-${Date.now().toString(36)}`;

test.describe("service accounts", () => {
  test.use({ storageState: storageStatePath("ADMIN"), viewport: { width: 1280, height: 900 } });

  test("create, issue a token, a script creates a source with it, revoke, 401", async ({ page, playwright }) => {
    await page.goto("/admin");
    await page.getByRole("link", { name: "Service accounts" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Service accounts" })).toBeVisible();

    const create = page.getByRole("form", { name: "New service account" });
    await create.getByLabel("Handle").fill(handle);
    await create.getByLabel("Name").fill(`Deploy ${handle}`);
    await create.getByLabel("Role").selectOption("ADMIN");
    await create.getByRole("button", { name: "Create service account" }).click();
    const account = page.getByRole("row").filter({ hasText: `${handle}@service-accounts.invalid` });
    await expect(account).toContainText("active");

    const tokens = page.getByRole("region", { name: `Tokens of Deploy ${handle}` });
    const issue = tokens.getByRole("form", { name: "New service account token" });
    await issue.getByLabel("Name").fill("terraform");
    await issue.getByRole("button", { name: "Create token" }).click();
    const secret = page.getByTestId("api-token-secret");
    await expect(secret).toHaveText(/^vglt_[0-9a-f]{12}_[0-9a-f]{64}$/);
    const token = (await secret.textContent())!;
    await page.screenshot({ path: `${SCREENS}/service-account-token.png`, fullPage: true });

    const script = await playwright.request.newContext({ baseURL: new URL(page.url()).origin, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const made = await script.post("/api/v1/sources", { data: { name: `made by ${handle}`, kind: "HTTP_PUSH", config: {} } });
    expect(made.status()).toBe(201);

    await page.getByRole("main").getByRole("link", { name: "API tokens" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "API tokens" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: token.slice(0, 17) });
    await expect(row).toContainText(`Deploy ${handle}`);
    await expect(row).toContainText("service account");
    await expect(row.getByRole("cell").nth(6)).toContainText("UTC"); // last used
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: "Revoke token" }).click();
    await expect(row).toContainText("revoked");
    await page.screenshot({ path: `${SCREENS}/admin-api-tokens.png`, fullPage: true });

    const after = await script.get("/api/v1/sources", { failOnStatusCode: false });
    expect(after.status()).toBe(401);
    expect((await after.json()).error.message).toMatch(/^API token [0-9a-f]{12} was revoked$/);
    await script.dispose();

    await page.goto("/admin/audit?entity=source");
    await expect(page.getByRole("row").filter({ hasText: `${handle}@service-accounts.invalid` }).first()).toBeVisible();
  });
});
