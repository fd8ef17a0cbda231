/**
 * One NATS JetStream source in the worker: a durable pull consumer `vigil-<sourceId>` on the
 * configured stream (explicit acks), shared by every worker so the server splits the messages.
 * Messages are buffered and written every `flushMs` or `maxBuffer` messages; each is acknowledged
 * only after its point is committed (a bad one is terminated, a failed write naks them for later
 * redelivery). A message redelivered after a crash changes nothing: ingest is idempotent on
 * (series, timestamp), and a payload without a time takes the stream's stored time, the same on
 * every delivery. The client reconnects by itself; a lost stream or consumer is retried.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import type { Logger } from "pino";
import { describeNetworkError, redactUrl } from "@/lib/connectors/errors";
import type { TNatsConfig } from "@/lib/connectors/message-payload";
import type { StreamMessage } from "@/worker/streams/store";
import type { ConsumerOptions } from "@/worker/streams/consumer";
import { AckingConsumer } from "@/worker/streams/acking-consumer";

const SECOND_NS = 1_000_000_000;
/** Unacknowledged messages the server hands out for the durable (all workers together). */
const MAX_ACK_PENDING = 10_000;
/** A durable unused this long is removed by the server (a deleted source's consumer goes away). */
const INACTIVE_DAYS = 7;

export function durableName(sourceId: string): string {
  return `vigil-${sourceId}`;
}

export class NatsConsumer extends AckingConsumer<JsMsg> {
  private nc: NatsConnection | undefined;
  private messages: ConsumerMessages | undefined;
  private readonly where: string;

  constructor(
    sourceId: string,
    readonly config: TNatsConfig,
    fingerprint: string,
    opts: ConsumerOptions,
    log: Logger,
  ) {
    super(sourceId, fingerprint, "NATS", config.mapping, opts, log);
    this.where = `${redactUrl(config.servers)} stream ${config.stream}`;
    this.start();
  }

  protected async consume(): Promise<void> {
    const { config, sourceId } = this;
    const nc = (this.nc = await connect({ servers: config.servers, name: durableName(sourceId), maxReconnectAttempts: -1, reconnectTimeWait: this.opts.reconnectMs, timeout: 10_000 }));
    void this.watchConnection(nc);
    const jsm = await jetstreamManager(nc);
    const name = durableName(sourceId);
    const existing = await jsm.consumers.info(config.stream, name).catch((err: Error) => {
      if (/consumer not found/i.test(err.message)) return null;
      throw err;
    });
    const filter = config.subject ?? "";
    if (!existing) {
      await jsm.consumers.add(config.stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filter || undefined,
        ack_wait: this.opts.ackWaitMs * 1_000_000,
        max_ack_pending: MAX_ACK_PENDING,
        inactive_threshold: INACTIVE_DAYS * 86_400 * SECOND_NS,
      });
    } else if ((existing.config.filter_subject ?? "") !== filter) {
      await jsm.consumers.update(config.stream, name, { filter_subject: filter });
    }
    const consumer = await jetstream(nc).consumers.get(config.stream, name);
    const messages = (this.messages = await consumer.consume({ max_messages: this.opts.maxBuffer }));
    if (this.stopped) await messages.close();
    this.log.info({ sourceId, stream: config.stream, subject: config.subject }, "nats consumer started");
    await this.health.connection(null);
    void this.watchConsumer(messages);
    for await (const m of messages) {
      this.buffer.push(m);
      if (this.buffer.length >= this.opts.maxBuffer) await this.flush();
    }
  }

  protected async disconnect(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    // Draining sends the last acknowledgements before closing.
    await (this.stopped ? nc?.drain() : nc?.close());
  }

  protected async stopReceiving(): Promise<void> {
    await this.messages?.close();
  }

  private async watchConnection(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") await this.health.connection(`disconnected from ${redactUrl(this.config.servers)}; reconnecting`);
      if (s.type === "reconnect") await this.health.connection(null);
    }
  }

  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (s.type === "stream_not_found" || s.type === "consumer_deleted" || s.type === "consumer_not_found") {
        await this.health.connection(`${s.type.replace(/_/g, " ")}: ${this.where}`);
        // Ends the iteration; run() starts over and re-creates the durable.
        await messages.close();
      }
    }
  }

  protected async toStreamMessages(held: JsMsg[]): Promise<StreamMessage[]> {
    return held.map((m) => ({ origin: { what: "subject", name: m.subject, separator: "." }, payload: m.data, receivedAt: Number(m.timestampNanos / 1_000_000n) }));
  }

  protected async settle(held: JsMsg[], good: boolean[]): Promise<void> {
    held.forEach((m, i) => (good[i] ? m.ack() : m.term("not a valid point")));
    await this.nc?.flush().catch(() => undefined);
  }

  /** Not stored: the server redelivers them after the delay (nothing is acknowledged). */
  protected giveBack(held: JsMsg[]): string {
    for (const m of held) m.nak(this.opts.reconnectMs);
    return "returned for redelivery";
  }

  protected describeError(err: unknown): string {
    return describeNatsError(err, this.where);
  }
}

function describeNatsError(err: unknown, where: string): string {
  const message = (err as Error)?.message ?? String(err);
  if (/stream not found/i.test(message)) return `stream not found: ${where}`;
  if (/jetstream not enabled|no responders/i.test(message)) return `JetStream is not available at ${where}`;
  return describeNetworkError(err, where);
}
