import { expect, test, type APIRequestContext } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const SERIES = "art_daily_jumpsup";

async function seriesId(request: APIRequestContext, metric: string): Promise<string> {
  const res = await request.get(`/api/v1/series?q=${metric}`);
  expect(res.status()).toBe(200);
  const row = (await res.json()).items.find((r: { metric: string }) => r.metric === metric);
  expect(row, `seeded series ${metric}`).toBeTruthy();
  return row.id;
}

test.describe("admin", () => {
  test.use({ storageState: storageStatePath("ADMIN"), viewport: { width: 1280, height: 900 } });

  test("creates a detector through the form, previews it on a NAB series and saves it", async ({ page }) => {
    const name = `e2e-zscore-${Date.now().toString(36)}`;
    await page.goto("/detectors");
    await page.getByRole("link", { name: "New detector" }).click();
    await expect(page.getByRole("heading", { name: "New detector" })).toBeVisible();

    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Algorithm").selectOption("zscore");
    const windowField = page.getByRole("spinbutton", { name: "Window", exact: true });
    await expect(windowField).toHaveValue("100");
    await expect(page.getByText("Points in the rolling reference window")).toBeVisible();

    await page.getByLabel("Search series").fill(SERIES);
    await page.getByRole("checkbox", { name: new RegExp(SERIES) }).check();
    await expect(page.getByRole("list", { name: "Attached series" })).toContainText(SERIES);

    // The server's 422 lands on the field it names.
    await windowField.fill("1");
    await page.getByRole("button", { name: "Create detector" }).click();
    await expect(page.locator(".field", { has: windowField }).getByRole("alert")).toContainText(">=2");
    await windowField.fill("200");
    await expect(page.locator(".field", { has: windowField }).getByRole("alert")).toHaveCount(0);

    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByLabel("Preview series").selectOption({ label: SERIES });
    await preview.getByRole("button", { name: "Run preview" }).click();
    const summary = preview.locator(".preview-summary strong");
    // Either the result or the server's error: a failure then shows which.
    await expect(preview.locator(".preview-summary strong, .error").first()).toBeVisible({ timeout: 20_000 });
    await expect(summary).toHaveText(/^\d+ anomal(y|ies)$/);
    const count = Number((await summary.textContent())?.split(" ")[0]);
    expect(count).toBeGreaterThan(0);
    await expect(preview.getByRole("table", { name: "Preview anomalies" }).locator("tbody tr")).toHaveCount(Math.min(count, 10));
    // Anomalies are drawn: shaded ranges on both charts and red dots on the value chart.
    await expect(preview.locator(".recharts-reference-area").first()).toBeVisible();
    expect(await preview.locator(".chart-dot").count()).toBeGreaterThan(0);
    await expect(preview.getByRole("img", { name: "Anomaly score" }).locator(".recharts-reference-line")).toHaveCount(1);
    await page.screenshot({ path: `${SCREENS}/detector-new-preview.png`, fullPage: true });

    await page.getByRole("button", { name: "Create detector" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    const status = page.getByRole("region", { name: "Series status" });
    await expect(status).toContainText(SERIES);
    await expect(page.getByRole("region", { name: "Configuration" })).toContainText('"window": 200');
    await expect(page.getByRole("region", { name: "Stored data and this detector's anomalies" }).locator(".recharts-line")).toHaveCount(1);
    await page.screenshot({ path: `${SCREENS}/detector-detail.png`, fullPage: true });

    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByRole("heading", { name: `Edit ${name}` })).toBeVisible();
    await page.getByRole("spinbutton", { name: "Band sigmas", exact: true }).fill("4");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Run a backfill" })).toBeVisible();
    await page.getByRole("button", { name: "Run backfill" }).click();
    await expect(page.getByText("Backfill queued for 1 series.")).toBeVisible();

    await page.goto("/detectors");
    await expect(page.getByRole("link", { name })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/detectors-list-admin.png`, fullPage: true });
  });

  test("watches a whole source: all its series are attached and shown on the detector page", async ({ page }) => {
    const name = `e2e-watch-${Date.now().toString(36)}`;
    await page.goto("/detectors/new");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Algorithm").selectOption("ewma");
    const watched = page.getByRole("group", { name: "Watched sources" });
    await watched.getByRole("checkbox", { name: /NAB samples/ }).check();
    await page.getByRole("button", { name: "Create detector" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    const config = page.getByRole("region", { name: "Configuration" });
    await expect(config).toContainText("NAB samples");
    const attached = Number((await config.locator("dt:text-is('Attached series') + dd").textContent())?.replace(/,/g, ""));
    expect(attached).toBeGreaterThanOrEqual(4);
    await expect(page.getByRole("region", { name: "Series status" }).getByRole("row")).toHaveCount(Math.min(attached, 200) + 1);
    await page.screenshot({ path: `${SCREENS}/detector-watching-source.png`, fullPage: true });

    // The edit form keeps the source ticked and lists no single series.
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByRole("group", { name: "Watched sources" }).getByRole("checkbox", { name: /NAB samples/ })).toBeChecked();
    await expect(page.getByRole("list", { name: "Attached series" })).toHaveCount(0);
  });

  test("sets a retrain schedule on a trained detector; a bad pattern is refused next to the field", async ({ page }) => {
    const name = `e2e-forest-${Date.now().toString(36)}`;
    await page.goto("/detectors/new");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Algorithm").selectOption("isolation-forest");
    const cron = page.getByLabel("Retrain schedule");
    await expect(page.getByText("daily 03:00 UTC")).toBeVisible();
    await page.getByLabel("Search series").fill(SERIES);
    await page.getByRole("checkbox", { name: new RegExp(SERIES) }).check();

    await cron.fill("0 25 * * *");
    await page.getByRole("button", { name: "Create detector" }).click();
    await expect(page.locator(".field", { has: cron }).getByRole("alert")).toContainText("Not a valid cron expression");
    await page.screenshot({ path: `${SCREENS}/detector-retrain-error.png`, fullPage: true });

    await cron.fill("0 3 * * *");
    await page.getByRole("button", { name: "Create detector" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await expect(page.getByRole("region", { name: "Configuration" })).toContainText("0 3 * * * (UTC)");
    await page.screenshot({ path: `${SCREENS}/detector-retrain-detail.png`, fullPage: true });
  });
});

for (const role of ["ANALYST", "OPERATOR"] as const) {
  test.describe(role.toLowerCase(), () => {
    test.use({ storageState: storageStatePath(role) });

    test("sees detectors read-only and is refused by the write API", async ({ page, request, playwright, baseURL }) => {
      const admin = await playwright.request.newContext({ baseURL, storageState: storageStatePath("ADMIN") });
      const sid = await seriesId(admin, "nyc_taxi");
      const created = await admin.post("/api/v1/detectors", { data: { name: `e2e-ro-${role}-${Date.now().toString(36)}`, algorithm: "ewma", seriesIds: [sid] } });
      expect(created.status()).toBe(201);
      const detector = await created.json();
      await admin.dispose();

      await page.goto("/detectors");
      await expect(page.getByRole("heading", { name: "Detectors" })).toBeVisible();
      await expect(page.getByRole("link", { name: detector.name })).toBeVisible();
      await expect(page.getByRole("link", { name: "New detector" })).toHaveCount(0);
      await page.getByRole("link", { name: detector.name }).click();
      await expect(page.getByRole("region", { name: "Series status" })).toContainText("nyc_taxi");
      await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Run backfill" })).toHaveCount(0);
      if (role === "ANALYST") await page.screenshot({ path: `${SCREENS}/detector-detail-analyst.png`, fullPage: true });

      expect((await page.goto("/detectors/new"))?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();

      const writes = [
        request.post("/api/v1/detectors", { data: { name: "nope", algorithm: "zscore" } }),
        request.patch(`/api/v1/detectors/${detector.id}`, { data: { threshold: 0.9 } }),
        request.delete(`/api/v1/detectors/${detector.id}`),
        request.post(`/api/v1/detectors/${detector.id}/backfill`, { data: { from: "2014-01-01T00:00:00Z", to: "2014-02-01T00:00:00Z" } }),
      ];
      for (const res of await Promise.all(writes)) expect(res.status()).toBe(403);
      // Reads and the preview are open to every role.
      const preview = await request.post("/api/v1/detectors/preview", { data: { algorithm: "ewma", params: {}, threshold: 0.5, seriesId: sid, maxPoints: 500 } });
      expect(preview.status()).toBe(200);
      expect((await preview.json()).points).toHaveLength(500);
    });
  });
}
