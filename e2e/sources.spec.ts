import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}`;

async function createSourceInUi(page: Page, kindLabel: string, name: string) {
  await page.goto("/sources");
  await page.getByRole("link", { name: "New source" }).click();
  await expect(page.getByRole("heading", { name: "New source" })).toBeVisible();
  await page.getByRole("radio", { name: new RegExp(`^${kindLabel}`) }).check();
  await page.getByLabel("Name", { exact: true }).fill(name);
}

test.describe("admin", () => {
  test.use({ storageState: storageStatePath("ADMIN") });

  test("creates an HTTP push source, sees its key once, pushes with it and sees the series", async ({ page, request }) => {
    const name = unique("e2e-push");
    await createSourceInUi(page, "HTTP push", name);
    await page.getByRole("button", { name: "Create source" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await expect(page.getByText("No series yet")).toBeVisible();
    await page.goto("/sources");
    await expect(page.getByRole("link", { name: "New source" })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/sources-list.png`, fullPage: true });
    await page.getByRole("link", { name }).click();

    const keys = page.getByRole("region", { name: "API keys" });
    await keys.getByLabel("Key name").fill("collector-1");
    await keys.getByRole("button", { name: "Create key" }).click();
    const box = keys.getByRole("status", { name: "New API key" });
    await expect(box).toContainText("will not be shown again");
    const key = (await box.getByTestId("new-key").textContent()) ?? "";
    expect(key).toMatch(/^vgl_[0-9a-f]{12}_[0-9a-f]{64}$/);
    const row = keys.getByRole("row").filter({ hasText: "collector-1" });
    await expect(row).toContainText(`vgl_${key.slice(4, 16)}_…`);
    await expect(row).toContainText("active");
    await page.screenshot({ path: `${SCREENS}/sources-push-key.png`, fullPage: true });

    const pushed = await request.post("/api/v1/ingest", {
      headers: { authorization: `Bearer ${key}` },
      data: { series: "e2e.cpu", labels: { host: "web-1" }, points: [["2026-01-01T00:00:00Z", 0.4], ["2026-01-01T00:01:00Z", 0.5], ["2026-01-01T00:02:00Z", 0.75]] },
    });
    expect(pushed.status()).toBe(200);

    await page.reload();
    // The full key is gone for good once the page is left.
    await expect(page.getByText(key)).toHaveCount(0);
    const series = page.getByRole("row").filter({ hasText: "e2e.cpu" });
    await expect(series).toContainText('{host="web-1"}');
    await expect(page.getByTestId("series-total")).toHaveText("1 series");
    await expect(series).toContainText("2026-01-01 00:02:00 UTC → 0.75");
    await expect(keys.getByRole("row").filter({ hasText: "collector-1" })).not.toContainText("—");
    await page.screenshot({ path: `${SCREENS}/sources-push-series.png`, fullPage: true });

    await keys.getByRole("button", { name: "Revoke" }).click();
    await keys.getByRole("button", { name: "Revoke key" }).click();
    await expect(keys.getByRole("row").filter({ hasText: "collector-1" })).toContainText("revoked");
    const refused = await request.post("/api/v1/ingest", { headers: { authorization: `Bearer ${key}` }, data: { series: "e2e.cpu", points: [[1_767_225_780, 1]] } });
    expect(refused.status()).toBe(401);
  });

  test("shows the API's message next to the config field that is wrong", async ({ page }) => {
    await createSourceInUi(page, "Prometheus", unique("e2e-prom"));
    await page.getByLabel("Prometheus URL").fill("not a url");
    await page.getByLabel("PromQL query").fill("up");
    await page.getByRole("button", { name: "Create source" }).click();
    await expect(page.getByLabel("Prometheus URL")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Prometheus URL")).toHaveAccessibleDescription("must be an http(s) URL");
    await expect(page.getByLabel("PromQL query")).toHaveAttribute("aria-invalid", "false");
    await expect(page).toHaveURL(/\/sources\/new$/);
    await page.screenshot({ path: `${SCREENS}/sources-config-error.png`, fullPage: true });
  });

  test("tests an HTTP poll config before saving: a sample of the series, or the precise error", async ({ page }) => {
    const records = [0, 1, 2, 3, 4].map((i) => ({ ts: `2026-01-01T00:0${i}:00Z`, value: 10 + i, host: i % 2 ? "b" : "a" }));
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(records)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics.json`;
    try {
      await createSourceInUi(page, "HTTP poll", unique("e2e-poll"));
      await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:1/metrics.json");
      await page.getByLabel("Timestamp field").fill("ts");
      await page.getByLabel("Value field").fill("value");
      await page.getByLabel("Metric name").fill("e2e.poll");
      await page.getByLabel("Labels", { exact: true }).fill("host=host");
      await page.getByRole("button", { name: "Test connection" }).click();
      const form = page.getByRole("form", { name: "New source" });
      await expect(form.getByRole("alert")).toContainText("Connection failed: ");
      await expect(form.getByRole("alert")).toContainText("127.0.0.1:1/metrics.json");

      await page.getByLabel("URL", { exact: true }).fill(url);
      await page.getByRole("button", { name: "Test connection" }).click();
      const result = page.getByRole("status", { name: "Test result" });
      await expect(result).toContainText("5 points in 2 series");
      const a = result.getByRole("row").filter({ hasText: 'host="a"' });
      await expect(a).toContainText("e2e.poll");
      await expect(a).toContainText("2026-01-01 00:00:00 UTC → 10");
      await expect(a).toContainText("2026-01-01 00:02:00 UTC → 12");
      await page.screenshot({ path: `${SCREENS}/sources-poll-test.png`, fullPage: true });

      await page.getByRole("button", { name: "Create source" }).click();
      await expect(page.getByRole("region", { name: "Configuration" })).toContainText("every 60 s");
      await expect(page.getByRole("region", { name: "Configuration" })).toContainText("host=host");

      await page.getByRole("link", { name: "Edit" }).click();
      await expect(page.getByLabel("Labels", { exact: true })).toHaveValue("host=host");
      await expect(page.getByLabel("Poll interval (seconds)")).toHaveValue("60");
      await page.getByLabel("Poll interval (seconds)").fill("2");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByLabel("Poll interval (seconds)")).toHaveAccessibleDescription("must be at least 5 seconds");
      await page.getByLabel("Poll interval (seconds)").fill("120");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("region", { name: "Configuration" })).toContainText("every 120 s");
    } finally {
      server.close();
    }
  });

  test("edits, pauses, resumes and deletes a source", async ({ page }) => {
    const name = unique("e2e-edit");
    await createSourceInUi(page, "HTTP push", name);
    await page.getByRole("button", { name: "Create source" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();

    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByRole("heading", { name: `Edit ${name}` })).toBeVisible();
    await page.getByLabel("Name", { exact: true }).fill(`${name}-renamed`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { name: `${name}-renamed` })).toBeVisible();

    const status = page.getByRole("region", { name: "Configuration" });
    await page.getByRole("button", { name: "Pause" }).click();
    await expect(status).toContainText("paused");
    await page.getByRole("button", { name: "Resume" }).click();
    await expect(status).toContainText("active");

    await page.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByText(`Delete ${name}-renamed with all its series and points?`)).toBeVisible();
    await page.getByRole("button", { name: "Delete permanently" }).click();
    await expect(page).toHaveURL(/\/sources$/);
    await expect(page.getByRole("link", { name: `${name}-renamed` })).toHaveCount(0);
  });

  test("uploads a CSV to a new CSV source and sees its series", async ({ page }) => {
    test.skip(!existsSync("app/api/v1/sources/[id]/upload/route.ts"), "the upload endpoint has not landed yet");
    const name = unique("e2e-csv");
    await createSourceInUi(page, "CSV upload", name);
    await page.getByRole("button", { name: "Create source" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();

    const upload = page.getByRole("region", { name: "Upload CSV" });
    const bad = "timestamp,series,value\n2026-01-01T00:00:00Z,e2e.temp,1\n2026-01-01T00:01:00Z,e2e.temp,warm\n";
    await upload.getByLabel("CSV file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    await upload.getByRole("button", { name: "Upload" }).click();
    await expect(upload.getByRole("alert")).toContainText("line 3");

    const csv = "timestamp,series,value,room\n2026-01-01T00:00:00Z,e2e.temp,20.5,lab\n2026-01-01T00:01:00Z,e2e.temp,21,lab\n2026-01-01T00:00:00Z,e2e.temp,18,hall\n";
    await upload.getByLabel("CSV file").setInputFiles({ name: "temps.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await upload.getByRole("button", { name: "Upload" }).click();
    await expect(upload.getByRole("status")).toContainText("Accepted 3 points in 2 series");
    const lab = page.getByRole("row").filter({ hasText: 'room="lab"' });
    await expect(lab).toContainText("e2e.temp");
    await expect(lab).toContainText("2026-01-01 00:01:00 UTC → 21");
    await expect(page.getByRole("row").filter({ hasText: 'room="hall"' })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/sources-csv-upload.png`, fullPage: true });
  });
});

for (const role of ["ANALYST", "OPERATOR"] as const) {
  test.describe(role.toLowerCase(), () => {
    test.use({ storageState: storageStatePath(role) });

    test("sees sources read-only", async ({ page, browser }) => {
      const admin = await browser.newContext({ storageState: storageStatePath("ADMIN") });
      const created = await admin.request.post("/api/v1/sources", { data: { name: unique(`e2e-ro-${role.toLowerCase()}`), kind: "HTTP_PUSH" } });
      const source = await created.json();
      await admin.request.post(`/api/v1/sources/${source.id}/keys`, { data: { name: "existing-key" } });

      await page.goto("/sources");
      await expect(page.getByRole("link", { name: "NAB samples" })).toBeVisible();
      await expect(page.getByRole("link", { name: "New source" })).toHaveCount(0);

      await page.getByRole("link", { name: source.name }).click();
      await expect(page.getByRole("heading", { name: source.name })).toBeVisible();
      const keys = page.getByRole("region", { name: "API keys" });
      await expect(keys.getByRole("row").filter({ hasText: "existing-key" })).toBeVisible();
      await expect(keys.getByRole("button")).toHaveCount(0);
      await expect(keys.getByLabel("Key name")).toHaveCount(0);
      for (const action of ["Edit", "Pause", "Delete", "Test connection"]) {
        await expect(page.getByRole("button", { name: action })).toHaveCount(0);
        await expect(page.getByRole("link", { name: action })).toHaveCount(0);
      }
      if (role === "ANALYST") await page.screenshot({ path: `${SCREENS}/sources-read-only.png`, fullPage: true });

      await page.goto("/sources");
      await page.getByRole("link", { name: "NAB samples" }).click();
      await expect(page.getByRole("row").filter({ hasText: "nyc_taxi" })).toBeVisible();
      await expect(page.getByRole("region", { name: "Upload CSV" })).toHaveCount(0);

      expect((await page.goto("/sources/new"))?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
      await admin.request.delete(`/api/v1/sources/${source.id}`);
      await admin.close();
    });
  });
}
