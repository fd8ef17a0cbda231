/** Source test for MQTT: connect, subscribe, and collect what arrives in a few seconds. */
import mqtt from "mqtt";
import { IngestBatch } from "@/lib/ingest/batch";
import { ConnectorError, describeNetworkError } from "@/lib/connectors/errors";
import { addMqttMessage, type TMqttConfig } from "@/lib/connectors/message-payload";

/** Bounds of a broker source test (MQTT, NATS, AMQP). */
export interface StreamSampleOptions {
  /** Wait this long for the first message. */
  firstMessageMs?: number;
  /** After the first message, keep collecting this long (or until maxMessages). */
  collectMs?: number;
  maxMessages?: number;
  connectTimeoutMs?: number;
}

export async function sampleMqtt(config: TMqttConfig, opts: StreamSampleOptions = {}): Promise<IngestBatch> {
  const { firstMessageMs = 5_000, collectMs = 1_000, maxMessages = 200, connectTimeoutMs = 4_000 } = opts;
  const batch = new IngestBatch();
  const client = mqtt.connect(config.brokerUrl, { connectTimeout: connectTimeoutMs, reconnectPeriod: 0, clean: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ConnectorError(`could not connect to ${config.brokerUrl} within ${connectTimeoutMs / 1000} s`)), connectTimeoutMs);
      client.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
      client.once("error", (err) => {
        clearTimeout(timer);
        reject(new ConnectorError(describeNetworkError(err, config.brokerUrl)));
      });
      client.once("close", () => {
        clearTimeout(timer);
        reject(new ConnectorError(`connection closed by ${config.brokerUrl} before it was ready`));
      });
    });
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      let collectTimer: NodeJS.Timeout | undefined;
      const firstTimer = setTimeout(
        () => reject(new ConnectorError(`no message on topic ${config.topic} within ${firstMessageMs / 1000} s (${config.brokerUrl})`)),
        firstMessageMs,
      );
      client.on("message", (topic, payload) => {
        addMqttMessage(batch, config, topic, payload, Date.now());
        if (++count === 1) {
          clearTimeout(firstTimer);
          collectTimer = setTimeout(resolve, collectMs);
        }
        if (count >= maxMessages) {
          clearTimeout(collectTimer);
          resolve();
        }
      });
      client.subscribe(config.topic, { qos: 0 }, (err, granted) => {
        const refused = granted?.find((g) => g.qos === 128);
        if (err || refused) {
          clearTimeout(firstTimer);
          reject(new ConnectorError(`subscription to ${config.topic} refused by ${config.brokerUrl}${err ? `: ${err.message}` : ""}`));
        }
      });
    });
    return batch;
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}
