import { expect, test } from "@playwright/test";
import { ROLES, can } from "@/lib/auth/permissions";
import { NAV_ITEMS } from "@/components/nav-items";
import { E2E_PASSWORD, E2E_USERS, storageStatePath } from "./fixtures";

for (const role of ROLES) {
  test.describe(`${role.toLowerCase()} navigation`, () => {
    test.use({ storageState: storageStatePath(role) });

    test("walks every page the role may see, and none it may not", async ({ page }) => {
      await page.goto("/");
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(page.getByText(E2E_USERS[role].email)).toBeVisible();
      for (const item of NAV_ITEMS) {
        const link = nav.getByRole("link", { name: item.label, exact: true });
        if (!can(role, item.permission)) {
          await expect(link).toHaveCount(0);
          continue;
        }
        await link.click();
        await expect(page).toHaveURL(new RegExp(`${item.href === "/" ? "/$" : item.href}`));
        await expect(page.getByRole("heading", { level: 1, name: item.label })).toBeVisible();
        await expect(link).toHaveAttribute("aria-current", "page");
        await page.screenshot({ path: `test-results/screens/${role.toLowerCase()}-${item.label.toLowerCase()}.png`, fullPage: true });
      }
    });

    test("sees the sample data and a healthy system on the overview", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByText("Database reachable")).toBeVisible();
      await expect(page.getByText(/Queue \(redis backend\) reachable/)).toBeVisible();
      await page.goto("/sources");
      await expect(page.getByRole("cell", { name: "NAB samples" })).toBeVisible();
    });
  });
}

test.describe("signed out", () => {
  test("pages redirect to sign-in and come back after it", async ({ page }) => {
    await page.goto("/detectors");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdetectors/);
    await page.getByLabel("E-mail").fill(E2E_USERS.OPERATOR.email);
    await page.getByLabel("Password").fill("wrong password for sure");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong e-mail or password.");
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/detectors$/);
    await expect(page.getByRole("heading", { level: 1, name: "Detectors" })).toBeVisible();
  });
});
