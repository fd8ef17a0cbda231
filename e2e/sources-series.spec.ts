/**
 * The series table of a source pages and filters on the server. The NAB samples source (4 series,
 * seeded by e2e/serve.ts) gets 116 more by a CSV upload: 120 series, three pages of 50.
 */
import { expect, test } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const host = (i: number) => `web-${String(i).padStart(3, "0")}`;

test.describe("analyst", () => {
  test.use({ storageState: storageStatePath("ANALYST"), viewport: { width: 1280, height: 900 } });

  test.beforeAll(async ({ browser }) => {
    const admin = await browser.newContext({ storageState: storageStatePath("ADMIN") });
    const { items: sources } = await (await admin.request.get("/api/v1/sources")).json();
    const nab = sources.find((s: { name: string }) => s.name === "NAB samples");
    const csv = ["timestamp,series,value,host", ...Array.from({ length: 116 }, (_, k) => `2026-01-01T00:00:00Z,web.requests,${k + 1},${host(k + 1)}`)].join("\n");
    const res = await admin.request.post(`/api/v1/sources/${nab.id}/upload`, { headers: { "content-type": "text/csv" }, data: csv });
    expect(await res.json()).toEqual({ accepted: 116, series: 116 });
    await admin.close();
  });

  test("pages through the NAB samples series and filters them on the server", async ({ page }) => {
    await page.goto("/sources");
    await page.getByRole("link", { name: "NAB samples" }).click();
    const series = page.getByRole("region", { name: "Series", exact: true });
    const rows = series.getByRole("row").filter({ has: page.getByRole("cell") });
    const pager = series.getByRole("navigation", { name: "Series pages" });
    const next = pager.getByRole("button", { name: "Next" });
    const previous = pager.getByRole("button", { name: "Previous" });

    await expect(series.getByTestId("series-total")).toHaveText("120 series");
    await expect(pager.getByRole("status")).toHaveText("Rows 1–50 of 120");
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText("art_daily_jumpsup");
    await expect(rows.filter({ hasText: "nyc_taxi" })).toContainText("2015-01-31 23:30:00 UTC → 26288");
    await expect(rows.nth(4)).toContainText("web.requests");
    await expect(rows.nth(4)).toContainText(`{host="${host(1)}"}`);
    await expect(previous).toBeDisabled();
    await page.screenshot({ path: `${SCREENS}/sources-series-page-1.png`, fullPage: true });

    await next.click();
    await expect(pager.getByRole("status")).toHaveText("Rows 51–100 of 120");
    await expect(rows.first()).toContainText(host(47));
    await expect(rows.last()).toContainText(host(96));
    await next.click();
    await expect(pager.getByRole("status")).toHaveText("Rows 101–120 of 120");
    await expect(rows).toHaveCount(20);
    await expect(rows.last()).toContainText(host(116));
    await expect(next).toBeDisabled();
    await previous.click();
    await expect(pager.getByRole("status")).toHaveText("Rows 51–100 of 120");
    await expect(rows.first()).toContainText(host(47));

    const filter = series.getByLabel("Filter series");
    await filter.fill("NYC");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("nyc_taxi");
    await expect(pager).toHaveCount(0);
    await expect(series.getByTestId("series-total")).toHaveText("120 series");

    await filter.fill("host=web-11");
    await expect(rows).toHaveCount(7);
    await expect(rows.first()).toContainText(host(110));
    await page.screenshot({ path: `${SCREENS}/sources-series-filtered.png`, fullPage: true });

    await filter.fill("no-such-series");
    await expect(series.getByText("No series match “no-such-series”.")).toBeVisible();

    await filter.fill("");
    await expect(pager.getByRole("status")).toHaveText("Rows 1–50 of 120");
    await expect(rows).toHaveCount(50);
  });
});
