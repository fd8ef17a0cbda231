/**
 * One MQTT source in the worker: a client that reconnects by itself, a buffer of received
 * messages flushed every `flushMs` or every `maxBuffer` messages through the ingest write path,
 * and the source's health recorded when it changes.
 * The subscription is shared (`$share/vigil-<sourceId>/<topic>`), so when several workers run,
 * the broker hands each message to one of them instead of every worker storing it again.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { IngestBatch } from "@/lib/ingest/batch";
import { writeBatch } from "@/lib/ingest/write";
import { afterPointsWritten } from "@/lib/ingest/after-write";
import { describeNetworkError } from "@/lib/connectors/errors";
import { addMqttMessage, type TMqttConfig } from "@/lib/connectors/message-payload";
import { SourceHealth } from "@/worker/streams/store";
import type { ConsumerOptions, StreamConsumer } from "@/worker/streams/consumer";

/** While the database is unreachable messages wait in memory, up to this many (oldest dropped). */
export const MAX_PENDING_MESSAGES = 100_000;

interface Message {
  topic: string;
  payload: Buffer;
  receivedAt: number;
}

export class MqttSubscription implements StreamConsumer {
  private client: MqttClient;
  private buffer: Message[] = [];
  private timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly health: SourceHealth;
  written = 0;
  dropped = 0;

  constructor(
    readonly sourceId: string,
    readonly config: TMqttConfig,
    readonly fingerprint: string,
    private readonly opts: ConsumerOptions,
    private readonly log: Logger,
  ) {
    this.health = new SourceHealth(sourceId, "MQTT", log);
    this.client = mqtt.connect(config.brokerUrl, { reconnectPeriod: opts.reconnectMs, connectTimeout: 10_000, clean: true });
    this.client.on("connect", () => {
      this.client.subscribe(`$share/vigil-${sourceId}/${config.topic}`, { qos: 1 }, (err, granted) => {
        if (err || granted?.some((g) => g.qos === 128)) void this.health.connection(`subscription to ${config.topic} refused by ${config.brokerUrl}${err ? `: ${err.message}` : ""}`);
        else {
          log.info({ sourceId, topic: config.topic }, "mqtt subscribed");
          void this.health.connection(null);
        }
      });
    });
    this.client.on("error", (err) => {
      log.warn({ sourceId, err: err.message }, "mqtt client error");
      void this.health.connection(describeNetworkError(err, config.brokerUrl));
    });
    this.client.on("offline", () => void this.health.connection(`disconnected from ${config.brokerUrl}; reconnecting`));
    this.client.on("message", (topic, payload) => {
      if (this.buffer.length >= MAX_PENDING_MESSAGES) {
        this.buffer.shift();
        this.dropped++;
      }
      this.buffer.push({ topic, payload, receivedAt: Date.now() });
      if (this.buffer.length >= opts.maxBuffer) void this.flush();
    });
    this.timer = setInterval(() => void this.flush(), opts.flushMs);
  }

  /** Writes what is buffered; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow()).catch((err) => this.log.error({ sourceId: this.sourceId, err }, "mqtt flush failed"));
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.buffer.length === 0) return;
    const messages = this.buffer;
    this.buffer = [];
    const batch = new IngestBatch();
    for (const m of messages) addMqttMessage(batch, this.config, m.topic, m.payload, m.receivedAt);
    try {
      if (batch.points > 0) {
        const result = await writeBatch(this.sourceId, null, [...batch.series.values()]);
        this.written += result.accepted;
        await afterPointsWritten(result.changedSeriesIds);
      }
    } catch (err) {
      // The database is the ledger: put the messages back (bounded) and try again on the next tick.
      this.buffer = messages.concat(this.buffer);
      const excess = this.buffer.length - MAX_PENDING_MESSAGES;
      if (excess > 0) {
        this.buffer.splice(0, excess);
        this.dropped += excess;
      }
      await this.health.batch(`could not store MQTT messages (${this.buffer.length} pending, ${this.dropped} dropped): ${(err as Error).message}`);
      throw err;
    }
    // Bad messages are dropped (the good ones are stored) and the first problem is shown on the source.
    const [first] = batch.issues;
    await this.health.batch(first ? `${batch.issues.length} bad message(s) in the last second; ${first.path}: ${first.message}` : null);
  }

  /** Stops receiving, writes what is buffered, and disconnects. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.client.endAsync(true).catch(() => undefined);
    await this.flush();
  }
}
