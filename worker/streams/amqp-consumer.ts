/**
 * One AMQP 0-9-1 (RabbitMQ) source in the worker: a consumer with manual acknowledgement on the
 * configured queue, at most `prefetch` unacknowledged messages in hand. Messages are written every
 * `flushMs` or `maxBuffer` messages and acknowledged only after the points are committed (a bad one
 * is rejected without requeue, so a dead-letter exchange gets it if the queue has one). A failed
 * write keeps them unacknowledged and retries; a lost connection returns them to the queue (the
 * broker redelivers, and ingest is idempotent on (series, timestamp)) and the consumer reconnects.
 * A message with no time of its own takes its receipt time; with a `messageId` a redelivery takes
 * the first receipt's time (lib/connectors/message-times.ts), without one it may be stored twice.
 * Several workers on one queue split its messages.
 */
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import type { Logger } from "pino";
import { describeNetworkError, redactUrl } from "@/lib/connectors/errors";
import type { TAmqpConfig } from "@/lib/connectors/message-payload";
import { resolveMessageTimes } from "@/lib/connectors/message-times";
import type { StreamMessage } from "@/worker/streams/store";
import type { ConsumerOptions } from "@/worker/streams/consumer";
import { AckingConsumer } from "@/worker/streams/acking-consumer";

interface Held {
  channel: Channel;
  msg: ConsumeMessage;
  receivedAt: number;
}

/** Opens a channel on the source's queue: declared durable and bound when an exchange is configured, else it must exist. */
export async function openQueue(conn: ChannelModel, config: TAmqpConfig): Promise<Channel> {
  const ch = await conn.createChannel();
  ch.on("error", () => undefined); // reported through the awaited call that failed, or the connection's close
  if (config.exchange) {
    await ch.assertQueue(config.queue, { durable: true });
    await ch.bindQueue(config.queue, config.exchange, config.bindingKey ?? "#");
  } else {
    await ch.checkQueue(config.queue);
  }
  return ch;
}

/** The time of a message without one in its payload: its `timestamp` property (seconds) when the publisher set it. */
export function messageTime(msg: ConsumeMessage, receivedAt: number): number {
  return withoutTime(msg) ? receivedAt : (msg.properties.timestamp as number) * 1000;
}

function withoutTime(msg: ConsumeMessage): boolean {
  const t = msg.properties.timestamp as unknown;
  return !(typeof t === "number" && t > 0);
}

export class AmqpConsumer extends AckingConsumer<Held> {
  private conn: ChannelModel | undefined;
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  private readonly where: string;

  constructor(
    sourceId: string,
    readonly config: TAmqpConfig,
    fingerprint: string,
    opts: ConsumerOptions,
    log: Logger,
  ) {
    super(sourceId, fingerprint, "AMQP", config.mapping, opts, log);
    this.where = `${redactUrl(config.url)} queue ${config.queue}`;
    this.start();
  }

  protected async consume(): Promise<void> {
    const conn = (this.conn = await amqp.connect(this.config.url, { timeout: 10_000, clientProperties: { connection_name: `vigil-${this.sourceId}` } }));
    const closed = new Promise<Error | undefined>((resolve) => {
      conn.on("error", (err: Error) => resolve(err));
      conn.on("close", (err?: Error) => resolve(err));
    });
    const ch = (this.channel = await openQueue(conn, this.config));
    ch.on("close", () => conn.close().catch(() => undefined));
    await ch.prefetch(this.config.prefetch);
    const { consumerTag } = await ch.consume(
      this.config.queue,
      (msg) => {
        if (!msg) return void conn.close().catch(() => undefined); // cancelled by the broker (queue deleted)
        this.buffer.push({ channel: ch, msg, receivedAt: Date.now() });
        if (this.buffer.length >= Math.min(this.opts.maxBuffer, this.config.prefetch)) void this.flush();
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
    this.log.info({ sourceId: this.sourceId, queue: this.config.queue }, "amqp consumer started");
    await this.health.connection(null);
    const err = await Promise.race([closed, this.stopSignal]);
    // Messages of a closed channel cannot be acknowledged any more: the broker has requeued them.
    this.buffer = this.buffer.filter((h) => h.channel !== ch);
    if (!this.stopped) throw err ?? new Error(`connection closed by ${this.where}`);
  }

  protected async disconnect(): Promise<void> {
    const conn = this.conn;
    this.conn = this.channel = undefined;
    await conn?.close();
  }

  protected async stopReceiving(): Promise<void> {
    if (this.channel && this.consumerTag) await this.channel.cancel(this.consumerTag);
  }

  protected async toStreamMessages(held: Held[]): Promise<StreamMessage[]> {
    const times = held.map((h) => messageTime(h.msg, h.receivedAt));
    // Without a time of their own, messages with an id keep their first receipt's time (lib/connectors/message-times.ts).
    const byId = held.flatMap((h, i) => (withoutTime(h.msg) && h.msg.properties.messageId ? [i] : []));
    if (byId.length > 0) {
      const resolved = await resolveMessageTimes(
        this.sourceId,
        byId.map((i) => ({ messageId: String(held[i].msg.properties.messageId), receivedAt: times[i], redelivered: held[i].msg.fields.redelivered })),
      );
      byId.forEach((i, k) => (times[i] = resolved[k]));
    }
    return held.map((h, i) => ({ origin: { what: "routing key", name: h.msg.fields.routingKey, separator: "." }, payload: h.msg.content, receivedAt: times[i] }));
  }

  protected async settle(held: Held[], good: boolean[]): Promise<void> {
    held.forEach((h, i) => {
      try {
        if (good[i]) h.channel.ack(h.msg);
        else h.channel.nack(h.msg, false, false);
      } catch {
        // The channel closed after the commit: the broker redelivers, and the rewrite changes nothing.
      }
    });
  }

  /** Still unacknowledged (prefetch stops more from coming): retried on the next tick. */
  protected giveBack(held: Held[]): string {
    this.buffer = held.concat(this.buffer);
    return "held unacknowledged";
  }

  protected describeError(err: unknown): string {
    return describeAmqpError(err, this.where);
  }
}

function describeAmqpError(err: unknown, where: string): string {
  const message = (err as Error)?.message ?? String(err);
  if (/NOT_FOUND - no queue/.test(message)) return `queue not found: ${where}`;
  if (/NOT_FOUND - no exchange/.test(message)) return `exchange ${/'([^']+)'/.exec(message)?.[1] ?? ""} not found: ${where}`;
  if (/ACCESS_REFUSED/.test(message)) return `login refused by ${where} (check the user and password in the URL)`;
  return describeNetworkError(err, where);
}
