import { expect, test as setup } from "@playwright/test";
import { ROLES } from "@/lib/auth/permissions";
import { E2E_PASSWORD, E2E_USERS, storageStatePath } from "./fixtures";

for (const role of ROLES) {
  setup(`sign in as ${role.toLowerCase()}`, async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin/);
    await page.getByLabel("E-mail").fill(E2E_USERS[role].email);
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The first sign-in after start (password hash, first render) can pass 5 s on a loaded machine.
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 30_000 });
    await page.context().storageState({ path: storageStatePath(role) });
  });
}
