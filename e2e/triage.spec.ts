/**
 * Triage from first sight to resolution: an admin sets up a push source and a detector and pushes
 * a spike, which appears in the open queue without a reload; an operator opens it with the keyboard,
 * acknowledges, assigns, comments and resolves it, and the history shows each step; an analyst and
 * an operator are refused what they may not do, in the UI and in the API.
 */
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { E2E_USERS, markDocument, stillSameDocument, storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const suffix = Date.now().toString(36);
const state: { sourceId: string; anomalyId: string } = { sourceId: "", anomalyId: "" };

async function asRole(browser: Browser, role: "ADMIN" | "ANALYST" | "OPERATOR") {
  const context = await browser.newContext({ storageState: storageStatePath(role), viewport: { width: 1280, height: 900 } });
  return { context, page: await context.newPage(), request: context.request };
}

/** Noise around 10 with a three-point spike to 95, one point a minute, ending now. */
function spikePoints(n = 240, spikeAt = 200): [number, number][] {
  const now = Math.floor(Date.now() / 60_000) * 60;
  return Array.from({ length: n }, (_, i) => [now - (n - i) * 60, i >= spikeAt && i < spikeAt + 3 ? 95 : 10 + ((i * 7) % 5) * 0.4] as [number, number]);
}

async function createPushSetup(request: APIRequestContext) {
  const source = await request.post("/api/v1/sources", { data: { name: `e2e-triage-${suffix}`, kind: "HTTP_PUSH" } });
  expect(source.status()).toBe(201);
  const sourceId: string = (await source.json()).id;
  const detector = await request.post("/api/v1/detectors", {
    data: { name: `e2e-triage-${suffix}`, algorithm: "zscore", params: { window: 60 }, threshold: 0.6, sourceIds: [sourceId] },
  });
  expect(detector.status(), await detector.text()).toBe(201);
  const key = await request.post(`/api/v1/sources/${sourceId}/keys`, { data: { name: "e2e" } });
  return { sourceId, key: (await key.json()).key as string };
}

test.describe.serial("triage journey", () => {
  test("admin: a pushed spike appears in the open queue without a reload", async ({ browser }) => {
    const admin = await asRole(browser, "ADMIN");
    const { sourceId, key } = await createPushSetup(admin.request);
    state.sourceId = sourceId;
    await admin.page.goto(`/anomalies?status=OPEN&sourceId=${sourceId}`);
    await expect(admin.page.getByText("No anomalies match.")).toBeVisible();
    await markDocument(admin.page);

    const push = await admin.request.post("/api/v1/ingest", { data: { series: "checkout.latency", labels: { region: "eu" }, points: spikePoints() }, headers: { authorization: `Bearer ${key}` } });
    expect(push.status(), await push.text()).toBe(200);

    const row = admin.page.locator("tbody tr").filter({ hasText: "checkout.latency" });
    await expect(row).toHaveCount(1, { timeout: 45_000 });
    await expect(row).toContainText('{region="eu"}');
    await expect(row).toContainText("open");
    expect(await stillSameDocument(admin.page)).toBe(true);
    state.anomalyId = (await row.getAttribute("data-anomaly-id"))!;
    await admin.page.screenshot({ path: `${SCREENS}/triage-queue-admin.png`, fullPage: true });
    await admin.context.close();
  });

  test("operator: opens it with the keyboard, acknowledges, assigns, comments, resolves; history shows each step", async ({ browser }) => {
    // A dozen page loads and the overview: more than the default minute on a shared machine.
    test.setTimeout(120_000);
    const op = await asRole(browser, "OPERATOR");
    const page = op.page;
    // The overview counts open and acknowledged anomalies; nothing else pushes while this runs.
    const openTotal = async () => Object.values((await (await op.request.get("/api/v1/overview")).json()).openBySeverity as Record<string, number>).reduce((n, c) => n + c, 0);
    const openBefore = await openTotal();
    await page.goto(`/anomalies?sourceId=${state.sourceId}`);
    await expect(page.locator("tbody tr")).toHaveCount(1);
    await page.keyboard.press("?");
    await expect(page.getByRole("dialog", { name: "Keyboard" })).toContainText("Assign to me");
    await page.screenshot({ path: `${SCREENS}/triage-keys-help.png`, fullPage: true });
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await page.keyboard.press("j");
    await expect(page.locator("tbody tr.focused")).toHaveAttribute("data-anomaly-id", state.anomalyId);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/anomalies/${state.anomalyId}$`));

    const why = page.locator(".why");
    await expect(why).toContainText(/is above the expected .* for \d+ points?; score [01]\.\d\d, threshold 0\.60/);
    await expect(page.getByRole("img", { name: /around the anomaly/ }).locator(".recharts-reference-area")).toHaveCount(1);
    await expect(page.getByRole("img", { name: /around the anomaly/ }).locator(".recharts-area")).toHaveCount(1);

    const triage = page.getByRole("group", { name: "Triage" });
    await triage.getByRole("button", { name: "Acknowledge" }).click();
    await expect(page.getByRole("region", { name: "Why it was flagged" }).locator(".triage-acknowledged")).toBeVisible();
    await triage.getByRole("button", { name: "Assign to me" }).click();
    await expect(triage.getByLabel("Assignee")).toHaveValue(/.+/);
    await expect(page.locator(".kv")).toContainText(E2E_USERS.OPERATOR.email);
    await page.getByLabel("Add a comment").fill("Checkout deploy at 14:02 caused it; rolled back.");
    await page.getByRole("button", { name: "Comment" }).click();
    await expect(page.getByRole("list", { name: "Comments" })).toContainText("rolled back");
    await triage.getByRole("button", { name: "Resolve" }).click();
    await expect(page.getByRole("region", { name: "Why it was flagged" }).locator(".triage-resolved")).toBeVisible();

    const history = page.getByRole("list", { name: "History" }).locator("li");
    await expect(history).toHaveCount(4);
    const who = E2E_USERS.OPERATOR.email;
    await expect(history.nth(0)).toContainText(`${who} changed the status from open to acknowledged`);
    await expect(history.nth(1)).toContainText(`${who} assigned it to ${who}`);
    await expect(history.nth(2)).toContainText(`${who} commented`);
    await expect(history.nth(3)).toContainText(`${who} changed the status from acknowledged to resolved`);
    await page.screenshot({ path: `${SCREENS}/triage-anomaly-resolved.png`, fullPage: true });
    // Acknowledged it still counted as open; resolved it no longer does.
    await expect.poll(openTotal).toBe(openBefore - 1);
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/triage-overview-after-resolve.png`, fullPage: true });

    // The queue reflects it: resolved, assigned, and gone from the open view.
    await page.goto(`/anomalies?sourceId=${state.sourceId}`);
    await expect(page.locator("tbody tr").first()).toContainText("resolved");
    await expect(page.locator("tbody tr").first()).toContainText(who);
    await page.goto(`/anomalies?sourceId=${state.sourceId}&status=OPEN`);
    await expect(page.getByText("No anomalies match.")).toBeVisible();
    await op.context.close();
  });

  test("operator: selects with the keyboard and reopens and acknowledges in bulk", async ({ browser }) => {
    const op = await asRole(browser, "OPERATOR");
    const page = op.page;
    await page.goto(`/anomalies?sourceId=${state.sourceId}`);
    await expect(page.locator("tbody tr")).toHaveCount(1);
    await page.keyboard.press("j");
    await expect(page.locator("tbody tr.focused")).toHaveCount(1);
    await page.keyboard.press("x");
    await expect(page.getByRole("toolbar")).toContainText("1 selected");
    await page.keyboard.press("u");
    await expect(page.locator("tbody tr").first()).toContainText("open");
    await page.keyboard.press("a");
    await expect(page.locator("tbody tr").first()).toContainText("acknowledged");
    // The selection survives the live refresh (the poll, not a mutation, fetches the page again).
    await page.waitForResponse((r) => r.url().includes("/api/v1/anomalies?") && r.request().method() === "GET", { timeout: 15_000 });
    await expect(page.getByRole("toolbar")).toContainText("1 selected");
    await expect(page.locator("tbody tr.selected")).toHaveCount(1);
    await page.screenshot({ path: `${SCREENS}/triage-queue-bulk.png`, fullPage: true });
    await op.context.close();
  });

  test("analyst and operator are refused what they may not do", async ({ browser }) => {
    const analyst = await asRole(browser, "ANALYST");
    await analyst.page.goto(`/anomalies/${state.anomalyId}`);
    const triage = analyst.page.getByRole("group", { name: "Triage" });
    await expect(triage.getByRole("button", { name: "Resolve" })).toBeVisible();
    await expect(triage.getByRole("button", { name: "Assign to me" })).toHaveCount(0);
    await expect(triage.getByLabel("Assignee")).toHaveCount(0);
    await analyst.page.screenshot({ path: `${SCREENS}/triage-anomaly-analyst.png`, fullPage: true });
    const assign = await analyst.request.patch(`/api/v1/anomalies/${state.anomalyId}`, { data: { assigneeId: null }, failOnStatusCode: false });
    expect(assign.status()).toBe(403);
    const source = await analyst.request.post("/api/v1/sources", { data: { name: "nope", kind: "HTTP_PUSH" }, failOnStatusCode: false });
    expect(source.status()).toBe(403);
    await analyst.context.close();

    const op = await asRole(browser, "OPERATOR");
    await op.page.goto("/sources");
    await expect(op.page.getByRole("link", { name: "New source" })).toHaveCount(0);
    const detector = await op.request.patch(`/api/v1/detectors/nonexistent`, { data: { enabled: false }, failOnStatusCode: false });
    expect(detector.status()).toBe(403);
    await op.context.close();
  });
});
