import { describe, expect, it } from "vitest";
import { IngestBatch } from "@/lib/ingest/batch";
import { addMqttMessage } from "@/lib/connectors/mqtt-payload";

const base = { brokerUrl: "mqtt://b", topic: "plant/+/+/#" };
const arrival = Date.parse("2024-05-01T00:00:00Z");

function one(mapping: Parameters<typeof addMqttMessage>[1]["mapping"], topic: string, payload: string) {
  const batch = new IngestBatch();
  addMqttMessage(batch, { ...base, mapping }, topic, Buffer.from(payload), arrival);
  return { issues: batch.issues, series: [...batch.series.values()].map((s) => ({ metric: s.metric, labels: s.labels, ms: s.ms, values: s.values })) };
}

describe("addMqttMessage", () => {
  it("plain number payload: arrival time, metric from the last topic segment, labels from segments", () => {
    expect(one({ value: "v", topicLabels: { site: 1, line: 2 } }, "plant/a/l1/temp", " 21.5 ")).toEqual({
      issues: [],
      series: [{ metric: "temp", labels: { line: "l1", site: "a" }, ms: [arrival], values: [21.5] }],
    });
  });

  it("JSON object: value, timestamp and series fields by path; a fixed metric wins", () => {
    expect(one({ value: "data.v", timestamp: "data.t", series: "name" }, "plant/a/l1/x", '{"name":"rpm","data":{"v":"900","t":1700000000}}').series).toEqual([
      { metric: "rpm", labels: {}, ms: [1_700_000_000_000], values: [900] },
    ]);
    expect(one({ value: "v", series: "name", metric: "fixed" }, "plant/a/l1/x", '{"name":"rpm","v":1}').series[0].metric).toBe("fixed");
  });

  it("reports what is wrong with the message, naming the topic", () => {
    expect(one({ value: "v" }, "plant/a/l1/temp", '{"v":"hot"}').issues).toEqual([{ path: "topic plant/a/l1/temp: v", message: "value must be a finite number" }]);
    expect(one({ value: "v" }, "plant/a/l1/9bad", "1").issues[0].path).toBe("topic plant/a/l1/9bad: metric");
  });
});
