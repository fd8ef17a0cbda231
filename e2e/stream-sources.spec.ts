/**
 * The source form's stream kinds (AMQP, NATS JetStream) and retention field, and the Prometheus
 * history import panel, against the machine's real RabbitMQ (5672), NATS (4222) and Debian's
 * Prometheus, with the end-to-end server's worker consuming.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { expect, test, type Page } from "@playwright/test";
import { freePort } from "@/test/free-port";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";
const tag = Date.now().toString(36);
const PROMETHEUS = "/usr/bin/prometheus";

async function newSource(page: Page, kindLabel: string, name: string) {
  await page.goto("/sources/new");
  await page.getByRole("radio", { name: new RegExp(`^${kindLabel.replace(/[()]/g, "\\$&")}`) }).check();
  await page.getByLabel("Name", { exact: true }).fill(name);
}

test.describe("stream sources and retention", () => {
  test.use({ storageState: storageStatePath("ADMIN") });

  test("AMQP: tests the queue without consuming it, refuses a bad retention, stores what the worker consumes", async ({ page }) => {
    const queue = `vigil-e2e-${tag}`;
    const conn = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
    const ch = await conn.createChannel();
    try {
      await ch.assertQueue(queue, { durable: false });
      for (let i = 0; i < 3; i++) ch.sendToQueue(queue, Buffer.from(JSON.stringify({ v: 10 + i })), { timestamp: 1_767_225_600 + i * 60 });

      const name = `e2e-amqp-${tag}`;
      await newSource(page, "AMQP (RabbitMQ)", name);
      await page.getByLabel("Broker URL").fill("amqp://guest:guest@127.0.0.1:5672");
      await page.getByLabel("Queue", { exact: true }).fill(queue);
      await page.getByLabel("Value field").fill("v");
      await page.getByLabel("Metric name").fill("e2e.amqp");
      await page.getByRole("button", { name: "Test connection" }).click();
      const result = page.getByRole("status", { name: "Test result" });
      await expect(result).toContainText("3 points in 1 series");
      await expect(result.getByRole("row").filter({ hasText: "e2e.amqp" })).toContainText("2026-01-01 00:02:00 UTC → 12");
      expect((await ch.checkQueue(queue)).messageCount).toBe(3); // sampled, not consumed

      await page.getByLabel("Keep points for (days)").fill("0");
      await page.getByRole("button", { name: "Create source" }).click();
      await expect(page.getByLabel("Keep points for (days)")).toHaveAccessibleDescription("must be at least 1 day");
      await page.getByLabel("Keep points for (days)").fill("30");
      await page.getByRole("button", { name: "Create source" }).click();
      await expect(page.getByRole("heading", { name })).toBeVisible();
      const config = page.getByRole("region", { name: "Configuration" });
      await expect(config).toContainText("30 days");
      await expect(config).toContainText(queue);

      // The worker picks the new source up within its sync interval and stores the queue.
      await expect(async () => {
        await page.reload();
        await expect(page.getByRole("row").filter({ hasText: "e2e.amqp" })).toContainText("2026-01-01 00:02:00 UTC → 12", { timeout: 2_000 });
      }).toPass({ timeout: 60_000 });
      await expect.poll(async () => (await ch.checkQueue(queue)).messageCount, { timeout: 10_000 }).toBe(0);
      await page.screenshot({ path: `${SCREENS}/sources-amqp.png`, fullPage: true });

      await page.getByRole("link", { name: "Edit" }).click();
      await expect(page.getByLabel("Keep points for (days)")).toHaveValue("30");
      await page.getByLabel("Keep points for (days)").fill("");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("region", { name: "Configuration" })).toContainText("forever");
    } finally {
      await ch.deleteQueue(queue).catch(() => undefined);
      await conn.close();
    }
  });

  test("NATS JetStream: tests the stream, and the worker's durable consumer stores its messages", async ({ page }) => {
    const stream = `VIGIL_E2E_${tag.toUpperCase()}`;
    const nc = await connect({ servers: "nats://127.0.0.1:4222" });
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.add({ name: stream, subjects: [`e2e.${tag}.>`] });
      const js = jetstream(nc);
      for (const [site, v] of [["north", 1.5], ["south", 2.5]] as const) {
        await js.publish(`e2e.${tag}.${site}.temp`, JSON.stringify({ t: "2026-01-01T00:00:00Z", v }));
      }

      const name = `e2e-nats-${tag}`;
      await newSource(page, "NATS JetStream", name);
      await page.getByLabel("Server URL").fill("nats://127.0.0.1:4222");
      await page.getByLabel("Stream", { exact: true }).fill(stream);
      await page.getByLabel("Timestamp field").fill("t");
      await page.getByLabel("Value field").fill("v");
      await page.getByLabel("Labels from subject").fill("site=2");
      await page.getByRole("button", { name: "Test connection" }).click();
      await expect(page.getByRole("status", { name: "Test result" })).toContainText("2 points in 2 series");

      await page.getByRole("button", { name: "Create source" }).click();
      await expect(page.getByRole("heading", { name })).toBeVisible();
      await expect(page.getByRole("region", { name: "Configuration" })).toContainText(stream);
      await expect(page.getByRole("region", { name: "Configuration" })).toContainText("forever");
      await expect(async () => {
        await page.reload();
        await expect(page.getByRole("row").filter({ hasText: 'site="south"' })).toContainText("2026-01-01 00:00:00 UTC → 2.5", { timeout: 2_000 });
      }).toPass({ timeout: 60_000 });
      await expect(page.getByRole("row").filter({ hasText: 'site="north"' })).toContainText("→ 1.5");
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });

  test("Prometheus: imports a past range, shows its progress to the end, and refuses a reversed range", async ({ page }) => {
    test.skip(!existsSync(PROMETHEUS), "Debian's prometheus is not installed");
    const dir = mkdtempSync(path.join(tmpdir(), "vigil-e2e-prom-"));
    const port = await freePort();
    writeFileSync(path.join(dir, "prometheus.yml"), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`);
    const proc: ChildProcess = spawn(PROMETHEUS, [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    try {
      const started = Date.now();
      // Ten seconds of samples, then import them from the minute before.
      await expect.poll(async () => {
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=count_over_time(up[1m])`).catch(() => null);
        const body = r?.ok ? await r.json() : null;
        return Number(body?.data?.result?.[0]?.value?.[1] ?? 0);
      }, { timeout: 60_000 }).toBeGreaterThanOrEqual(10);

      const name = `e2e-prom-${tag}`;
      await newSource(page, "Prometheus", name);
      await page.getByLabel("Prometheus URL").fill(`http://127.0.0.1:${port}`);
      await page.getByLabel("PromQL query").fill("up");
      await page.getByLabel("Step (seconds)").fill("1");
      await page.getByRole("button", { name: "Create source" }).click();
      await expect(page.getByRole("heading", { name })).toBeVisible();

      const panel = page.getByRole("region", { name: "History import" });
      const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
      await panel.getByLabel("From (UTC)").fill(minute(started + 120_000));
      await panel.getByLabel("To (UTC)").fill(minute(started - 60_000));
      await panel.getByRole("button", { name: "Import" }).click();
      await expect(panel.getByLabel("To (UTC)")).toHaveAttribute("aria-invalid", "true");
      await expect(panel).toContainText("must be after from");

      await panel.getByLabel("From (UTC)").fill(minute(started - 60_000));
      await panel.getByLabel("To (UTC)").fill(minute(Date.now() + 60_000)); // at most a minute ahead
      await panel.getByRole("button", { name: "Import" }).click();
      const row = panel.getByRole("row").filter({ hasText: "DONE" });
      await expect(async () => {
        await page.reload();
        await expect(row).toContainText("100 %", { timeout: 2_000 });
      }).toPass({ timeout: 60_000 });
      await expect(row.getByLabel("Import progress")).toHaveAttribute("value", "1");
      expect(Number((await row.getByRole("cell").nth(3).textContent())?.replace(/,/g, ""))).toBeGreaterThan(0);
      await expect(page.getByRole("row").filter({ hasText: 'job="self"' })).toContainText("→ 1");
      await page.screenshot({ path: `${SCREENS}/sources-prometheus-import.png`, fullPage: true });
    } finally {
      proc.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
