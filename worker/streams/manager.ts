/**
 * The worker's stream sources (MQTT, NATS JetStream, AMQP): one consumer per runnable source,
 * re-synced with the database every ~30 s (new, changed, paused and deleted sources), closed
 * cleanly on shutdown (each stores and acknowledges what it holds first).
 */
import type { Logger } from "pino";
import type { SourceKind } from "@/lib/generated/prisma/client";
import { parseSourceConfig } from "@/lib/ingest/source-config";
import { listRunnableSources, markSourceHealth } from "@/lib/connectors/queries";
import type { TAmqpConfig, TMqttConfig, TNatsConfig } from "@/lib/connectors/message-payload";
import type { ConsumerOptions, StreamConsumer } from "@/worker/streams/consumer";
import { MqttSubscription } from "@/worker/streams/mqtt-subscription";
import { NatsConsumer } from "@/worker/streams/nats-consumer";
import { AmqpConsumer } from "@/worker/streams/amqp-consumer";

export interface StreamManagerOptions extends ConsumerOptions {
  syncMs: number;
}

const DEFAULTS: StreamManagerOptions = { flushMs: 1_000, maxBuffer: 1_000, reconnectMs: 5_000, ackWaitMs: 120_000, syncMs: 30_000 };

type StreamKind = Extract<SourceKind, "MQTT" | "NATS" | "AMQP">;
export const STREAM_KINDS: StreamKind[] = ["MQTT", "NATS", "AMQP"];

type Factory = (id: string, config: Record<string, unknown>, fingerprint: string, opts: ConsumerOptions, log: Logger) => StreamConsumer;
const FACTORIES: Record<StreamKind, Factory> = {
  MQTT: (id, c, f, o, l) => new MqttSubscription(id, c as TMqttConfig, f, o, l),
  NATS: (id, c, f, o, l) => new NatsConsumer(id, c as TNatsConfig, f, o, l),
  AMQP: (id, c, f, o, l) => new AmqpConsumer(id, c as TAmqpConfig, f, o, l),
};

export class StreamManager {
  private readonly consumers = new Map<string, StreamConsumer>();
  private readonly opts: StreamManagerOptions;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly log: Logger,
    opts: Partial<StreamManagerOptions> = {},
    private readonly kinds: StreamKind[] = STREAM_KINDS,
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.opts.syncMs);
  }

  get size(): number {
    return this.consumers.size;
  }

  consumer(sourceId: string): StreamConsumer | undefined {
    return this.consumers.get(sourceId);
  }

  /** Brings the consumers in line with the database; syncs never overlap. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow()).catch((err) => this.log.error({ err }, "stream source sync failed"));
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    if (this.stopped) return;
    const sources = await listRunnableSources(this.kinds);
    const seen = new Set<string>();
    for (const s of sources) {
      seen.add(s.id);
      const fingerprint = JSON.stringify(s.config);
      const current = this.consumers.get(s.id);
      if (current?.fingerprint === fingerprint) continue;
      if (current) await current.close();
      const kind = s.kind as StreamKind;
      let config: Record<string, unknown>;
      try {
        config = parseSourceConfig(kind, s.config);
      } catch (err) {
        this.consumers.delete(s.id);
        await markSourceHealth(s.id, `invalid ${kind} config: ${(err as Error).message}`);
        continue;
      }
      this.consumers.set(s.id, FACTORIES[kind](s.id, config, fingerprint, this.opts, this.log));
    }
    for (const [id, consumer] of this.consumers) {
      if (seen.has(id)) continue;
      this.consumers.delete(id);
      await consumer.close();
      this.log.info({ sourceId: id }, "stream source stopped");
    }
  }

  /** Idempotent: stops syncing, then each consumer stores what it holds and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.syncing;
    await Promise.allSettled([...this.consumers.values()].map((c) => c.close()));
    this.consumers.clear();
  }
}
