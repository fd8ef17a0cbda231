/**
 * The series explorer: an admin pushes two series of one metric (one with a gap and a spike), a
 * detector flags the spike; the explorer, reached from the source page, is titled with the labels,
 * shows the anomaly on the chart and in its list, and zooms by preset, by drag and to the anomaly,
 * keeping the range in the URL. The detector page charts any attached series with only that
 * series' anomalies. Pages a role may not use answer 403.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const suffix = Date.now().toString(36);
const state = { sourceId: "", detectorId: "", spikyId: "", flatId: "" };

async function asRole(browser: Browser, role: "ADMIN" | "ANALYST" | "OPERATOR") {
  const context = await browser.newContext({ storageState: storageStatePath(role), viewport: { width: 1280, height: 900 } });
  return { context, page: await context.newPage(), request: context.request };
}

/** One point a minute for four hours ending now; `spiky` has a 40-minute gap and a spike to 95. */
function points(spiky: boolean): [number, number][] {
  const now = Math.floor(Date.now() / 60_000) * 60;
  const n = 240;
  return Array.from({ length: n }, (_, i) => [now - (n - i) * 60, spiky && i >= 200 && i < 203 ? 95 : 10 + ((i * 7) % 5) * 0.4] as [number, number]).filter(
    (_, i) => !spiky || i < 100 || i >= 140,
  );
}

const chart = (page: Page) => page.getByRole("img", { name: /minimum, maximum and average per bucket/ });
const rangeOf = (page: Page) => {
  const url = new URL(page.url());
  return { from: Date.parse(url.searchParams.get("from") ?? ""), to: Date.parse(url.searchParams.get("to") ?? "") };
};

test.describe.serial("series explorer", () => {
  test("admin: the explorer, reached from the source page, zooms and shows the series' anomaly", async ({ browser }) => {
    const { context, page, request } = await asRole(browser, "ADMIN");
    const source = await request.post("/api/v1/sources", { data: { name: `e2e-explorer-${suffix}`, kind: "HTTP_PUSH" } });
    state.sourceId = (await source.json()).id;
    const detector = await request.post("/api/v1/detectors", {
      data: { name: `e2e-explorer-${suffix}`, algorithm: "zscore", params: { window: 60 }, threshold: 0.6, sourceIds: [state.sourceId] },
    });
    expect(detector.status(), await detector.text()).toBe(201);
    state.detectorId = (await detector.json()).id;
    const key = (await (await request.post(`/api/v1/sources/${state.sourceId}/keys`, { data: { name: "e2e" } })).json()).key as string;
    const push = await request.post("/api/v1/ingest", {
      data: [
        { series: "cpu", labels: { host: "web-1" }, points: points(true) },
        { series: "cpu", labels: { host: "web-2" }, points: points(false) },
      ],
      headers: { authorization: `Bearer ${key}` },
    });
    expect(push.status(), await push.text()).toBe(200);
    await expect.poll(async () => (await (await request.get(`/api/v1/anomalies?sourceId=${state.sourceId}`)).json()).items.length, { timeout: 45_000 }).toBeGreaterThan(0);

    await page.goto(`/sources/${state.sourceId}`);
    await page.getByRole("link", { name: 'Explore cpu{host="web-1"}' }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText('cpu{host="web-1"}');
    state.spikyId = page.url().match(/\/series\/([^/?]+)/)![1];
    await expect(page.getByRole("region", { name: "Series" })).toContainText(`e2e-explorer-${suffix}`);
    await expect(chart(page).locator(".recharts-reference-area").first()).toBeVisible();
    const anomalies = page.getByRole("region", { name: "Anomalies in this range" });
    await expect(anomalies.locator("tbody tr")).toHaveCount(1);
    await expect(page.getByRole("button", { name: "All" })).toHaveAttribute("aria-pressed", "true");
    // The 40-minute gap is a break in the average line: two line segments, not one drawn across it.
    await expect.poll(async () => ((await chart(page).locator(".recharts-line-curve").first().getAttribute("d")) ?? "").split("M").length - 1).toBe(2);
    await page.screenshot({ path: `${SCREENS}/explorer-all.png`, fullPage: true });

    await page.getByRole("button", { name: "1 h" }).click();
    await expect(page).toHaveURL(/from=.*&to=/);
    await expect(page.getByRole("button", { name: "1 h" })).toHaveAttribute("aria-pressed", "true");
    const hour = rangeOf(page);
    expect(hour.to - hour.from).toBe(3_600_000);
    await expect(page.getByTestId("bucket-note")).toContainText("(raw points)");

    // Drag across the middle of the plot: the range narrows to the selection.
    await page.getByRole("button", { name: "All" }).click();
    await expect(page).not.toHaveURL(/from=/);
    const box = (await chart(page).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 12 });
    await page.mouse.up();
    await expect(page).toHaveURL(/from=.*&to=/);
    const dragged = rangeOf(page);
    expect(dragged.to - dragged.from).toBeGreaterThan(30 * 60_000);
    expect(dragged.to - dragged.from).toBeLessThan(90 * 60_000);
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS}/explorer-dragged.png`, fullPage: true });

    await page.getByRole("button", { name: "Zoom out" }).click();
    await expect.poll(() => rangeOf(page).to - rangeOf(page).from).toBeGreaterThan(dragged.to - dragged.from);

    await page.getByRole("button", { name: "All" }).click();
    await anomalies.getByRole("button", { name: "Zoom to it" }).click();
    await expect(page).toHaveURL(/from=.*&to=/);
    await expect(anomalies.locator("tbody tr")).toHaveCount(1);
    await expect(chart(page).locator(".recharts-reference-area").first()).toBeVisible();
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS}/explorer-anomaly.png`, fullPage: true });
    await anomalies.getByRole("link").first().click();
    await expect(page).toHaveURL(/\/anomalies\/[^/]+$/);
    await page.getByRole("link", { name: "Explore the series" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText('cpu{host="web-1"}');
    await expect(page).toHaveURL(/from=.*&to=/);
    await context.close();
  });

  test("analyst: the detector page charts any attached series with only that series' anomalies", async ({ browser }) => {
    const { context, page } = await asRole(browser, "ANALYST");
    await page.goto(`/detectors/${state.detectorId}`);
    const status = page.getByRole("region", { name: "Series status" });
    await expect(status.getByRole("link", { name: 'cpu{host="web-1"}' })).toBeVisible();
    await expect(status.getByRole("link", { name: 'cpu{host="web-2"}' })).toBeVisible();
    const picker = page.getByLabel("Series", { exact: true });
    await picker.selectOption({ label: 'cpu{host="web-1"}' });
    await expect(chart(page).locator(".recharts-reference-area")).toHaveCount(1);
    await page.screenshot({ path: `${SCREENS}/detector-series-web-1.png`, fullPage: true });
    // Same metric name, no anomaly of its own: nothing shaded.
    await picker.selectOption({ label: 'cpu{host="web-2"}' });
    await expect(page.getByRole("link", { name: 'Explore cpu{host="web-2"}' })).toBeVisible();
    await expect(chart(page).locator(".recharts-line-curve").first()).toBeVisible();
    await expect(chart(page).locator(".recharts-reference-area")).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS}/detector-series-web-2.png`, fullPage: true });
    await context.close();
  });

  test("pages a role may not use answer 403 with the explanation; the explorer is open to every role", async ({ browser }) => {
    const analyst = await asRole(browser, "ANALYST");
    for (const path of ["/admin", "/sources/new", "/detectors/new", `/sources/${state.sourceId}/edit`, `/detectors/${state.detectorId}/edit`]) {
      const res = await analyst.page.goto(path);
      expect(res?.status(), path).toBe(403);
      await expect(analyst.page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
      await expect(analyst.page.getByRole("navigation", { name: "Main" })).toBeVisible();
    }
    await analyst.page.screenshot({ path: `${SCREENS}/forbidden-analyst.png`, fullPage: true });
    expect((await analyst.page.goto(`/series/${state.spikyId}`))?.status()).toBe(200);
    expect((await analyst.page.goto("/series/nonexistent"))?.status()).toBe(404);
    await analyst.context.close();
    const op = await asRole(browser, "OPERATOR");
    expect((await op.page.goto("/admin"))?.status()).toBe(403);
    expect((await op.page.goto(`/series/${state.spikyId}`))?.status()).toBe(200);
    await op.context.close();
  });
});
