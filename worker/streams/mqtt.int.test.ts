/** Against the real Mosquitto on 127.0.0.1:1883. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import pino from "pino";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { createSource, updateSource } from "@/lib/server/queries/sources";
import { testSourceConfig } from "@/lib/connectors/test-source";
import { StreamManager } from "@/worker/streams/manager";

withTestDatabase();
vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));

const BROKER = "mqtt://127.0.0.1:1883";
const root = `vigil-test/${randomBytes(4).toString("hex")}`;
let pub: MqttClient;
let manager: StreamManager;

async function until<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pointsOf = (sourceId: string) =>
  getPrisma().dataPoint.findMany({
    where: { series: { sourceId } },
    orderBy: [{ series: { labelsKey: "asc" } }, { ts: "asc" }],
    select: { ts: true, value: true, series: { select: { metric: true, labels: true } } },
  });

beforeAll(async () => {
  pub = await mqtt.connectAsync(BROKER);
  manager = new StreamManager(pino({ level: "silent" }), { flushMs: 200, syncMs: 60_000 }, ["MQTT"]);
});
afterAll(async () => {
  await manager.stop();
  await pub.endAsync();
});

describe("MQTT sources", () => {
  it("subscribes with wildcards, maps JSON and plain payloads, labels from topic segments, and writes", async () => {
    const s = await createSource(
      { name: "mqtt-a", kind: "MQTT", config: { brokerUrl: BROKER, topic: `${root}/+/temp`, mapping: { value: "value", timestamp: "ts", topicLabels: { site: 2 } } } },
      null,
    );
    await manager.start();
    expect(manager.size).toBe(1);
    // Wait for the subscription before publishing (QoS 0 messages before it are not delivered).
    await until("subscription", async () => {
      await pub.publishAsync(`${root}/probe/temp`, JSON.stringify({ ts: 1_600_000_000, value: 0 }));
      return (await pointsOf(s.id)).length;
    }, (n) => n > 0);
    await pub.publishAsync(`${root}/north/temp`, JSON.stringify({ ts: "2024-05-01T00:00:00Z", value: 21.5 }));
    await pub.publishAsync(`${root}/north/temp`, JSON.stringify({ ts: 1_714_521_660, value: "22" }));
    await pub.publishAsync(`${root}/south/temp`, "19.25");
    await pub.publishAsync(`${root}/south/humidity`, "80"); // not matched by the filter
    const rows = await until("points", () => pointsOf(s.id), (r) => r.filter((p) => (p.series.labels as { site: string }).site !== "probe").length >= 3);
    const real = rows.filter((p) => (p.series.labels as { site: string }).site !== "probe");
    expect(real.map((p) => [p.series.metric, p.series.labels, p.value])).toEqual([
      ["temp", { site: "north" }, 21.5],
      ["temp", { site: "north" }, 22],
      ["temp", { site: "south" }, 19.25],
    ]);
    expect(real[0].ts.toISOString()).toBe("2024-05-01T00:00:00.000Z");
    expect(Math.abs(real[2].ts.getTime() - Date.now())).toBeLessThan(10_000);

    // A bad message is dropped and shown on the source; good ones still land.
    await pub.publishAsync(`${root}/north/temp`, JSON.stringify({ value: "hot" }));
    const row = await until("error", () => getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id } }), (r) => r.status === "ERROR");
    expect(row.lastError).toMatch(/^1 bad message\(s\) in the last second; topic .*\/north\/temp: value: value must be a finite number$/);

    // Pausing the source stops its subscription on the next sync.
    await updateSource(s.id, { status: "PAUSED" }, null);
    await manager.sync();
    expect(manager.size).toBe(0);
  });

  it("test connection: samples what arrives, or says precisely why nothing did", async () => {
    const config = { brokerUrl: BROKER, topic: `${root}/sample/#`, mapping: { value: "v" } };
    const publisher = setInterval(() => void pub.publishAsync(`${root}/sample/x/load`, JSON.stringify({ v: 0.5 })), 100);
    try {
      const r = await testSourceConfig("MQTT", config);
      expect(r).toMatchObject({ ok: true, sample: { series: [{ metric: "load", labels: {}, points: expect.any(Array) }] } });
    } finally {
      clearInterval(publisher);
    }
    expect(await testSourceConfig("MQTT", { ...config, topic: `${root}/silent` })).toEqual({
      ok: false,
      error: `no message on topic ${root}/silent within 5 s (${BROKER})`,
    });
    expect(await testSourceConfig("MQTT", { ...config, brokerUrl: "mqtt://127.0.0.1:1" })).toEqual({ ok: false, error: "connection refused to mqtt://127.0.0.1:1" });
  }, 30_000);
});
