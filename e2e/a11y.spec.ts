/**
 * axe-core on every page: as an admin on each page (with a source, a series, a detector and an
 * anomaly to show), and a page per other role; fails on any serious or critical violation, naming
 * the rule and the elements.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const suffix = Date.now().toString(36);
const ids = { sourceId: "", detectorId: "", seriesId: "", anomalyId: "" };

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
}

async function settle(page: Page, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText(/^Loading/)).toHaveCount(0, { timeout: 15_000 });
}

test.describe.serial("accessibility", () => {
  test.use({ storageState: storageStatePath("ADMIN"), viewport: { width: 1280, height: 900 } });

  test("setup: a push source with a flagged spike", async ({ request }) => {
    const source = await request.post("/api/v1/sources", { data: { name: `e2e-a11y-${suffix}`, kind: "HTTP_PUSH" } });
    ids.sourceId = (await source.json()).id;
    const detector = await request.post("/api/v1/detectors", { data: { name: `e2e-a11y-${suffix}`, algorithm: "zscore", params: { window: 60 }, threshold: 0.6, sourceIds: [ids.sourceId] } });
    ids.detectorId = (await detector.json()).id;
    const key = (await (await request.post(`/api/v1/sources/${ids.sourceId}/keys`, { data: { name: "a11y" } })).json()).key as string;
    const now = Math.floor(Date.now() / 60_000) * 60;
    const points = Array.from({ length: 200 }, (_, i) => [now - (200 - i) * 60, i >= 180 && i < 183 ? 90 : 10 + (i % 4) * 0.3]);
    expect((await request.post("/api/v1/ingest", { data: { series: "disk.busy", labels: { host: "db-1" }, points }, headers: { authorization: `Bearer ${key}` } })).status()).toBe(200);
    await expect
      .poll(async () => (await (await request.get(`/api/v1/anomalies?sourceId=${ids.sourceId}`)).json()).items.length, { timeout: 45_000 })
      .toBeGreaterThan(0);
    const anomaly = (await (await request.get(`/api/v1/anomalies?sourceId=${ids.sourceId}`)).json()).items[0];
    ids.anomalyId = anomaly.id;
    ids.seriesId = anomaly.series.id;
  });

  const adminPages = () => [
    "/",
    "/sources",
    "/sources/new",
    `/sources/${ids.sourceId}`,
    `/sources/${ids.sourceId}/edit`,
    "/detectors",
    "/detectors/new",
    `/detectors/${ids.detectorId}`,
    `/detectors/${ids.detectorId}/edit`,
    "/anomalies",
    `/anomalies/${ids.anomalyId}`,
    `/series/${ids.seriesId}`,
    "/alerts",
    "/admin",
    "/admin/audit",
    "/admin/api-keys",
    "/admin/api-tokens",
    "/admin/service-accounts",
    "/api-docs",
    "/account/tokens",
  ];

  test("admin: no serious or critical violation on any page", async ({ page }) => {
    // Twenty pages, each loaded and analysed: several minutes on a shared machine (load 25 on 2 cores took over three).
    test.setTimeout(420_000);
    const found: string[] = [];
    for (const path of adminPages()) {
      await settle(page, path);
      found.push(...(await seriousViolations(page)).map((v) => `${path}: ${v}`));
    }
    expect(found).toEqual([]);
  });
});

for (const [role, path] of [["ANALYST", "/anomalies"], ["OPERATOR", "/"]] as const) {
  test.describe(`${role.toLowerCase()}`, () => {
    test.use({ storageState: storageStatePath(role), viewport: { width: 1280, height: 900 } });
    test(`no serious or critical violation on ${path}`, async ({ page }) => {
      await settle(page, path);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] }, viewport: { width: 1280, height: 900 } });
  // /setup answers only before the first user exists; once one does it sends here.
  test("no serious or critical violation on /signin", async ({ page }) => {
    await settle(page, "/signin");
    expect(await seriousViolations(page)).toEqual([]);
  });
});
