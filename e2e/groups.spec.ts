/**
 * Series groups end to end: an admin creates a grouped k-means detector in the form (cpu,
 * mem and latency grouped by host) watching a whole source, previews one host's group (chosen by its
 * label value, formed by the server from the source's series) with each anomaly's top member, and,
 * once the worker has trained a model per host and scored new points, opens the incident attributed
 * to the member that was pushed off its usual relation (bars, member charts, main chart), with axe.
 * Labelled, the incident judges the group's model version on the detector page, which lists each
 * group's scoring state (watermark, model version, lag) with its members under it.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const suffix = Date.now().toString(36);
const HOSTS = [`a-${suffix}`, `b-${suffix}`];
const METRICS = ["cpu", "mem", "latency"] as const;
const STEP = 60;
const START = Math.floor(Date.now() / 60_000) * 60 - 400 * STEP;

/** The hosts' metrics at steps [from, to): one load moves all three; host `spike.host`'s mem is pushed up by 40 at `spike.steps`. */
function body(from: number, to: number, spike: { host: number; steps: number[] }) {
  return HOSTS.flatMap((host, h) =>
    METRICS.map((metric, k) => ({
      series: metric,
      labels: { host },
      points: Array.from({ length: to - from }, (_, j) => {
        const i = from + j;
        const load = 50 + 10 * Math.sin((2 * Math.PI * i) / 60);
        const base = metric === "cpu" ? load : metric === "mem" ? 20 + 0.5 * load : 5 + 0.1 * load;
        const wobble = Math.sin(i * 0.7 + (k + 3 * h) * 1.3) * 0.5 + Math.sin(i * 0.13 + k) * 0.3;
        return [START + i * STEP, base + wobble + (h === spike.host && metric === "mem" && spike.steps.includes(i) ? 40 : 0)];
      }),
    })),
  );
}

async function ingest(request: APIRequestContext, key: string, from: number, to: number, spike: { host: number; steps: number[] }) {
  const res = await request.post("/api/v1/ingest", { data: body(from, to, spike), headers: { authorization: `Bearer ${key}` } });
  expect(res.status(), await res.text()).toBe(200);
}

test.describe("grouped detector", () => {
  test.use({ storageState: storageStatePath("ADMIN"), viewport: { width: 1280, height: 900 } });

  test("is created in the form, previews a host with attribution, and shows an attributed incident", async ({ page, request }) => {
    test.setTimeout(180_000);
    const source = await request.post("/api/v1/sources", { data: { name: `e2e-hosts-${suffix}`, kind: "HTTP_PUSH" } });
    const sourceId = (await source.json()).id as string;
    const key = (await (await request.post(`/api/v1/sources/${sourceId}/keys`, { data: { name: "hosts" } })).json()).key as string;
    // History: host a's memory jumps once (what the preview shows); host b's history stays clean for its model.
    await ingest(request, key, 0, 300, { host: 0, steps: [200, 201, 202] });

    const name = `e2e-grouped-${suffix}`;
    await page.goto("/detectors/new");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Algorithm").selectOption("kmeans");
    await page.getByRole("spinbutton", { name: "K", exact: true }).fill("4");
    await page.getByRole("spinbutton", { name: "Shingle size", exact: true }).fill("1");
    await page.getByRole("spinbutton", { name: "Seed", exact: true }).fill("7");
    // The whole source, no series attached one by one: the preview's group comes from the source's series.
    await page.getByRole("group", { name: "Watched sources" }).getByRole("checkbox", { name: new RegExp(`^e2e-hosts-${suffix} `) }).check();
    await page.getByLabel("Score groups of series as one vector per time step").check();
    await expect(page.getByLabel("Groups", { exact: true })).toHaveValue("labels");
    await expect(page.getByLabel("Group by labels")).toHaveValue("host");
    await page.getByLabel("Member metrics").fill(METRICS.join(", "));
    await page.getByLabel("Step (seconds)").fill(String(STEP));

    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByLabel("Preview group host").fill(HOSTS[0]);
    await preview.getByRole("button", { name: "Run preview" }).click();
    await expect(preview.locator(".preview-summary, .error").first()).toBeVisible({ timeout: 30_000 });
    await expect(preview.locator(".preview-summary")).toContainText(`steps of the group cpu, mem, latency {host="${HOSTS[0]}"}`);
    const rows = preview.getByRole("table", { name: "Preview anomalies" }).locator("tbody tr");
    await expect(rows.filter({ hasText: "mem:" }).filter({ hasText: "above expected" }).first()).toBeVisible();
    await expect(preview.getByRole("img", { name: /^mem per step/ })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/detector-group-preview.png`, fullPage: true });

    await page.getByRole("button", { name: "Create detector" }).click();
    // Creating forms the groups from the watched source's series: slower than a plain create on a loaded machine.
    await expect(page.getByRole("heading", { name })).toBeVisible({ timeout: 30_000 });
    const detectorId = page.url().split("/").pop()!;

    // One model per host, then new points with host b's memory pushed up.
    expect((await request.post(`/api/v1/detectors/${detectorId}/train`)).status()).toBe(202);
    await expect.poll(async () => (await (await request.get(`/api/v1/detectors/${detectorId}/models`)).json()).series?.length ?? 0, { timeout: 60_000 }).toBe(2);
    await ingest(request, key, 300, 340, { host: 1, steps: [320, 321, 322] });
    // The incident at the injected steps: host b's group, shown under its memory.
    let anomalyId = "";
    await expect
      .poll(async () => {
        const items = (await (await request.get(`/api/v1/anomalies?detectorId=${detectorId}`)).json()).items as { id: string; peakTs: string; series: { metric: string; labels: { host: string } } }[];
        const hit = items.find((a) => Date.parse(a.peakTs) >= (START + 320 * STEP) * 1000 && Date.parse(a.peakTs) < (START + 323 * STEP) * 1000);
        anomalyId = hit?.id ?? "";
        return hit ? `${hit.series.metric} ${hit.series.labels.host}` : "";
      }, { timeout: 60_000 })
      .toBe(`mem ${HOSTS[1]}`);

    await page.goto(`/anomalies/${anomalyId}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("mem");
    const bars = page.getByRole("list", { name: "Each member's share of the peak's score" }).locator("li");
    await expect(bars).toHaveCount(3);
    await expect(bars.nth(1)).toContainText("above expected");
    await expect(page.getByRole("img", { name: /^mem, the member with the largest share/ })).toBeVisible();
    await expect(page.getByRole("img", { name: "cpu around the incident, with the flagged span" })).toBeVisible();
    await expect(page.getByText(/^Loading/)).toHaveCount(0, { timeout: 15_000 });
    await page.screenshot({ path: `${SCREENS}/anomaly-grouped.png`, fullPage: true });
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

    // Labelled a true anomaly, the incident judges host b's model version: re-scored over the group's steps, it finds it.
    expect((await request.post(`/api/v1/anomalies/${anomalyId}/labels`, { data: { value: "TRUE_POSITIVE" } })).status()).toBe(201);
    await page.goto(`/detectors/${detectorId}`);
    // The detector's status is its groups': per host its scored-up-to, model version and lag, its members listed under it.
    const status = page.getByRole("region", { name: "Group status" });
    for (const host of HOSTS) {
      const row = status.getByRole("row").filter({ hasText: `host="${host}"` });
      await expect(row.getByRole("list", { name: "Members" }).getByRole("listitem")).toHaveText(METRICS.map((m) => `${m}{host="${host}"}`));
      await expect(row.getByRole("cell").nth(1)).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/); // scored up to
      await expect(row.getByRole("cell").last()).toHaveText("version 1");
    }
    await expect(status).not.toContainText("none yet");
    await status.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/detector-group-status.png` });
    const models = page.getByRole("region", { name: "Model versions" });
    const groupB = models.locator("div").filter({ has: page.getByRole("heading", { name: `Group {host="${HOSTS[1]}"}: cpu, mem, latency (1 labelled spans on its members`, exact: false }) });
    await expect(groupB).toBeVisible({ timeout: 30_000 });
    await expect(groupB.getByRole("row").filter({ hasText: "v1 (active)" })).toContainText("100%"); // recall: the labelled incident found
    await expect(models.getByRole("heading", { name: new RegExp(`^Group \\{host="${HOSTS[0]}"\\}`) })).toBeVisible();
    await groupB.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/detector-group-models.png`, fullPage: true });
  });
});
