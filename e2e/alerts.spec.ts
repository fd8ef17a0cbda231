/**
 * Alerting journey: an admin creates a webhook channel (its signing secret shown once) and a rule in
 * the UI, sends a test and sees the receiver's answer; a pushed spike is delivered to the receiver,
 * signed; an operator opens the anomaly, sees who was notified, and silences its series in one click;
 * the admin edits the channel and the rule (grouping by region), and two spikes at once reach the
 * receiver as one grouped message, marked in the delivery history.
 */
import { expect, test, type Browser } from "@playwright/test";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const suffix = Date.now().toString(36);
const state = { secret: "", anomalyId: "", sourceId: "", key: "", ruleId: "" };
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

async function asRole(browser: Browser, role: "ADMIN" | "OPERATOR") {
  const context = await browser.newContext({ storageState: storageStatePath(role), viewport: { width: 1280, height: 900 } });
  return { context, page: await context.newPage(), request: context.request };
}

/** Noise around 10 with a three-point spike to 95 near the end, one point a minute, ending now. */
function spikePoints(n = 240, spikeAt = 230): [number, number][] {
  const now = Math.floor(Date.now() / 60_000) * 60;
  return Array.from({ length: n }, (_, i) => [now - (n - i) * 60, i >= spikeAt && i < spikeAt + 3 ? 95 : 10 + ((i * 7) % 5) * 0.4] as [number, number]);
}

test.describe.serial("alerting journey", () => {
  test.beforeAll(async () => {
    hook = await startWebhookReceiver();
  });
  test.afterAll(async () => hook?.close());

  test("admin: creates a webhook channel and a rule, and sends a test", async ({ browser }) => {
    const admin = await asRole(browser, "ADMIN");
    const source = await admin.request.post("/api/v1/sources", { data: { name: `e2e-alerts-${suffix}`, kind: "HTTP_PUSH" } });
    state.sourceId = (await source.json()).id;
    const detector = await admin.request.post("/api/v1/detectors", { data: { name: `e2e-alerts-${suffix}`, algorithm: "zscore", params: { window: 60 }, threshold: 0.6, sourceIds: [state.sourceId] } });
    expect(detector.status(), await detector.text()).toBe(201);
    state.key = (await (await admin.request.post(`/api/v1/sources/${state.sourceId}/keys`, { data: { name: "e2e" } })).json()).key;

    const page = admin.page;
    await page.goto("/alerts");
    const channelForm = page.getByRole("form", { name: "New channel" });
    await channelForm.getByLabel("Name", { exact: true }).fill(`e2e hook ${suffix}`);
    await channelForm.getByLabel("URL", { exact: true }).fill(hook.url);
    await channelForm.getByLabel(/Custom headers/).fill("X-Team: sre");
    await channelForm.getByRole("button", { name: "Create channel" }).click();
    const secretBox = page.getByRole("status", { name: "New signing secret" });
    await expect(secretBox).toContainText("will not be shown again");
    state.secret = (await page.getByTestId("signing-secret").textContent())!;
    expect(state.secret).toMatch(/^whsec_/);
    await secretBox.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("signing-secret")).toHaveCount(0);

    const row = page.getByRole("table", { name: "Channels" }).locator("tr").filter({ hasText: `e2e hook ${suffix}` });
    await expect(row).toContainText("signed");
    await row.getByRole("button", { name: "Send test" }).click();
    await expect(row.getByRole("status", { name: "Test result" })).toContainText("Accepted · 200");
    await expect(row.getByTestId("test-response")).toContainText("accepted");
    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(hook.received[0].body)).toMatchObject({ event: "test", version: "1" });
    expect(hook.received[0].headers["x-team"]).toBe("sre");

    const ruleForm = page.getByRole("form", { name: "New rule" });
    await ruleForm.getByLabel("Name", { exact: true }).fill(`e2e rule ${suffix}`);
    await ruleForm.getByLabel(/^Channel/).selectOption({ label: `e2e hook ${suffix} (webhook)` });
    await ruleForm.getByLabel(/^Source/).selectOption({ label: `e2e-alerts-${suffix}` });
    await ruleForm.getByLabel(/Series label matchers/).fill('region=~"eu|us"');
    await ruleForm.getByLabel("Minimum severity").selectOption("MEDIUM");
    await ruleForm.getByRole("button", { name: "Create rule" }).click();
    const ruleRow = page.getByRole("table", { name: "Rules" }).locator("tr").filter({ hasText: `e2e rule ${suffix}` });
    await expect(ruleRow).toContainText('region=~"eu|us"');
    await expect(ruleRow).toContainText(`e2e hook ${suffix}`);
    await page.screenshot({ path: `${SCREENS}/alerts-admin.png`, fullPage: true });
    await admin.context.close();
  });

  test("a pushed spike reaches the receiver once, signed", async ({ browser }) => {
    const admin = await asRole(browser, "ADMIN");
    const push = await admin.request.post("/api/v1/ingest", { data: { series: "checkout.latency", labels: { region: "eu" }, points: spikePoints() }, headers: { authorization: `Bearer ${state.key}` } });
    expect(push.status(), await push.text()).toBe(200);
    await expect.poll(() => hook.received.filter((r) => JSON.parse(r.body).event === "anomaly.firing").length, { timeout: 45_000 }).toBe(1);
    const firing = hook.received.find((r) => JSON.parse(r.body).event === "anomaly.firing")!;
    const { verifySignature } = await import("@/lib/alerting/signature");
    expect(verifySignature(state.secret, { signature: firing.headers["vigil-signature"] as string, timestamp: firing.headers["vigil-timestamp"] as string }, firing.body)).toEqual({ ok: true });
    const body = JSON.parse(firing.body);
    expect(body.series).toMatchObject({ metric: "checkout.latency", labels: { region: "eu" } });
    state.anomalyId = body.anomaly.id;
    await admin.context.close();
  });

  test("operator: sees who was notified and silences the series in one click", async ({ browser }) => {
    const op = await asRole(browser, "OPERATOR");
    const page = op.page;
    await page.goto(`/anomalies/${state.anomalyId}`);
    const log = page.getByRole("table", { name: "Notifications" });
    await expect(log.locator("tbody tr").first()).toContainText(`e2e hook ${suffix}`);
    await expect(log.locator("tbody tr").first()).toContainText("sent");
    await expect(page.getByText(/Silence this series: source="e2e-alerts-/)).toContainText('metric="checkout.latency", region="eu"');
    await page.getByLabel("Silence reason").fill("e2e maintenance");
    await page.getByRole("button", { name: "Silence for 2 h" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Silenced until" })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/anomaly-notifications-operator.png`, fullPage: true });

    await page.goto("/alerts");
    // The channel's own delivery log.
    await page.getByRole("table", { name: "Channels" }).locator("tr").filter({ hasText: `e2e hook ${suffix}` }).getByRole("button", { name: "Deliveries" }).click();
    const channelLog = page.getByRole("table", { name: `Deliveries of e2e hook ${suffix}` });
    await expect(channelLog.locator("tbody tr").filter({ has: page.getByRole("cell", { name: "firing", exact: true }) })).toContainText("sent");
    const silence = page.getByRole("table", { name: "Silences" }).locator("tr").filter({ hasText: "e2e maintenance" });
    await expect(silence).toContainText('region="eu"');
    await expect(silence).toContainText("active");
    // Operators silence; they do not configure channels.
    await expect(page.getByRole("form", { name: "New channel" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Send test" })).toHaveCount(0);
    await silence.getByRole("button", { name: "Expire now" }).click();
    await expect(page.getByRole("table", { name: "Silences" })).toHaveCount(0);
    await op.context.close();
  });

  test("admin: edits the channel and the rule (validation beside the field, audited); a grouped rule sends one message for two series", async ({ browser }) => {
    const admin = await asRole(browser, "ADMIN");
    const page = admin.page;
    await page.goto("/alerts");
    const channelRow = page.getByRole("table", { name: "Channels" }).locator("tr").filter({ hasText: `e2e hook ${suffix}` });
    await channelRow.getByRole("button", { name: "Edit" }).click();
    const channelForm = page.getByRole("form", { name: `Edit channel e2e hook ${suffix}` });
    await expect(channelForm.getByLabel(/Custom headers/)).toHaveValue("X-Team: ********");
    await channelForm.getByLabel("URL", { exact: true }).fill("ftp://nowhere");
    await channelForm.getByRole("button", { name: "Save channel" }).click();
    await expect(channelForm).toContainText("must be http:// or https://");
    // The message sits in the field's label, so it is read out with it.
    await channelForm.getByRole("textbox", { name: "URL must be http:// or https://" }).fill(hook.url);
    await channelForm.getByLabel("Name", { exact: true }).fill(`e2e hook ${suffix} edited`);
    await channelForm.getByRole("button", { name: "Save channel" }).click();
    await expect(channelForm).toHaveCount(0);
    const edited = page.getByRole("table", { name: "Channels" }).locator("tr").filter({ hasText: `e2e hook ${suffix} edited` });
    await edited.getByRole("button", { name: "Send test" }).click();
    await expect(edited.getByRole("status", { name: "Test result" })).toContainText("Accepted · 200");
    expect(hook.received.at(-1)!.headers["x-team"]).toBe("sre"); // the masked header kept its stored value

    const ruleRow = page.getByRole("table", { name: "Rules" }).locator("tr").filter({ hasText: `e2e rule ${suffix}` });
    await ruleRow.getByRole("button", { name: "Edit" }).click();
    const ruleForm = page.getByRole("form", { name: `Edit rule e2e rule ${suffix}` });
    await expect(ruleForm.getByLabel(/Series label matchers/)).toHaveValue('region=~"eu|us"');
    await ruleForm.getByLabel("Group anomalies").check();
    await ruleForm.getByLabel("Group by labels").fill("1region");
    await ruleForm.getByRole("button", { name: "Save rule" }).click();
    await expect(ruleForm).toContainText("not a label name");
    await ruleForm.getByLabel("Group by labels").fill("region");
    await ruleForm.getByLabel(/Wait before the first message/).fill("8");
    await ruleForm.getByRole("button", { name: "Save rule" }).click();
    await expect(ruleForm).toHaveCount(0);
    await expect(ruleRow).toContainText("grouped by source, region (wait 8 s, then every 5 min)");
    await expect(ruleRow).toContainText(`e2e hook ${suffix} edited`);
    const rules = (await (await admin.request.get("/api/v1/alert-rules")).json()).items as { id: string; name: string }[];
    state.ruleId = rules.find((r) => r.name === `e2e rule ${suffix}`)!.id;
    const audit = (await (await admin.request.get(`/api/v1/audit?entityId=${state.ruleId}`)).json()).items as { action: string; details: { groupBy?: string[] } }[];
    expect(audit.find((e) => e.action === "update")?.details.groupBy).toEqual(["region"]);

    const before = hook.received.length;
    for (const metric of ["checkout.errors", "checkout.queue"]) {
      const push = await admin.request.post("/api/v1/ingest", { data: { series: metric, labels: { region: "us" }, points: spikePoints() }, headers: { authorization: `Bearer ${state.key}` } });
      expect(push.status(), await push.text()).toBe(200);
    }
    await expect.poll(() => hook.received.slice(before).filter((r) => JSON.parse(r.body).event === "anomaly.firing").length, { timeout: 45_000 }).toBe(1);
    const grouped = JSON.parse(hook.received.slice(before).find((r) => JSON.parse(r.body).event === "anomaly.firing")!.body);
    expect(grouped.group).toMatchObject({ count: 2, labels: { region: "us" } });
    expect(grouped.group.title).toMatch(new RegExp(`^2 series of e2e-alerts-${suffix} anomalous since`));

    await page.reload();
    const recent = page.getByRole("table", { name: "Recent deliveries" });
    await expect(recent.locator("tbody tr").filter({ hasText: "grouped" })).toHaveCount(2);
    await expect(recent.locator("tbody tr").filter({ hasText: "grouped" }).first()).toContainText("one message for 2 series of the group");
    await page.screenshot({ path: `${SCREENS}/alerts-grouped.png`, fullPage: true });
    await admin.context.close();
  });
});
