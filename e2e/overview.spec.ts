/**
 * The overview: a pushed spike shows up in the open anomalies by severity, the hourly timeline and
 * the ingest chart without a reload; the pushing source is listed with its last data, the queue
 * with its jobs; the page polls its API.
 */
import { expect, test } from "@playwright/test";
import { markDocument, stillSameDocument, storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const suffix = Date.now().toString(36);

test.use({ storageState: storageStatePath("OPERATOR"), viewport: { width: 1280, height: 900 } });

test("operator: the overview counts a new anomaly and the pushed points without a reload", async ({ page, browser }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const critical = page.getByRole("link", { name: /critical$/ });
  await markDocument(page);

  const admin = await browser.newContext({ storageState: storageStatePath("ADMIN") });
  const request = admin.request;
  const source = await request.post("/api/v1/sources", { data: { name: `e2e-overview-${suffix}`, kind: "HTTP_PUSH" } });
  const sourceId = (await source.json()).id;
  const detector = await request.post("/api/v1/detectors", { data: { name: `e2e-overview-${suffix}`, algorithm: "zscore", params: { window: 60 }, threshold: 0.6, sourceIds: [sourceId] } });
  expect(detector.status()).toBe(201);
  const key = (await (await request.post(`/api/v1/sources/${sourceId}/keys`, { data: { name: "e2e" } })).json()).key as string;
  const now = Math.floor(Date.now() / 60_000) * 60;
  const points = Array.from({ length: 120 }, (_, i) => [now - (120 - i) * 30, i >= 110 && i < 112 ? 500 : 10 + (i % 3) * 0.2]);
  const push = await request.post("/api/v1/ingest", { data: { series: "queue.depth", labels: { env: "e2e" }, points }, headers: { authorization: `Bearer ${key}` } });
  expect(push.status()).toBe(200);
  await admin.close();

  // Polling brings it in: the source with its last data, the points in the last hour, the anomaly.
  const sources = page.getByRole("region", { name: "Sources" });
  await expect(sources.getByRole("row").filter({ hasText: `e2e-overview-${suffix}` })).toContainText("UTC", { timeout: 30_000 });
  await expect(page.getByTestId("ingest-total")).not.toHaveText(/^0 points/, { timeout: 30_000 });
  await expect
    .poll(async () => {
      const counts = await page.getByRole("region", { name: "Open anomalies" }).locator(".card-value").allTextContents();
      return counts.reduce((n, c) => n + Number(c.replace(/,/g, "")), 0);
    }, { timeout: 45_000 })
    .toBeGreaterThan(0);
  await expect(page.getByRole("img", { name: /Anomalies started per hour/ }).locator(".recharts-bar-rectangle").first()).toBeVisible({ timeout: 30_000 });
  expect(await stillSameDocument(page)).toBe(true);

  const workers = page.getByRole("region", { name: "Workers and queue" });
  await expect(workers).toContainText("Jobs failed");
  await expect(workers.getByRole("row").filter({ hasText: "detect" })).toBeVisible();
  await expect(workers).toContainText(/Workers seen\s*[1-9]/);
  await page.screenshot({ path: `${SCREENS}/overview-operator.png`, fullPage: true });

  await critical.click();
  await expect(page).toHaveURL(/\/anomalies\?status=OPEN&status=ACKNOWLEDGED&severity=CRITICAL/);
});
