/**
 * One AMQP 0-9-1 (RabbitMQ) source in the worker: a consumer with manual acknowledgement on the
 * configured queue, at most `prefetch` unacknowledged messages in hand. Messages are written every
 * `flushMs` or `maxBuffer` messages and acknowledged only after the points are committed (a bad one
 * is rejected without requeue, so a dead-letter exchange gets it if the queue has one). A failed
 * write keeps them unacknowledged and retries; a lost connection returns them to the queue (the
 * broker redelivers, and ingest is idempotent on (series, timestamp)) and the consumer reconnects.
 * Several workers on one queue split its messages.
 */
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import type { Logger } from "pino";
import { describeNetworkError, redactUrl } from "@/lib/connectors/errors";
import type { TAmqpConfig } from "@/lib/connectors/message-payload";
import { SourceHealth, storeMessages } from "@/worker/streams/store";
import type { ConsumerOptions, StreamConsumer } from "@/worker/streams/consumer";

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
  const t = msg.properties.timestamp as unknown;
  return typeof t === "number" && t > 0 ? t * 1000 : receivedAt;
}

export class AmqpConsumer implements StreamConsumer {
  private conn: ChannelModel | undefined;
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  private buffer: Held[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly health: SourceHealth;
  private readonly running: Promise<void>;
  private readonly where: string;
  private stopped = false;
  private signalStop!: () => void;
  private readonly stopSignal = new Promise<undefined>((resolve) => (this.signalStop = () => resolve(undefined)));
  written = 0;

  constructor(
    readonly sourceId: string,
    readonly config: TAmqpConfig,
    readonly fingerprint: string,
    private readonly opts: ConsumerOptions,
    private readonly log: Logger,
  ) {
    this.where = `${redactUrl(config.url)} queue ${config.queue}`;
    this.health = new SourceHealth(sourceId, "AMQP", log);
    this.timer = setInterval(() => void this.flush(), opts.flushMs);
    this.running = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consumeUntilClosed();
      } catch (err) {
        if (!this.stopped) {
          this.log.warn({ sourceId: this.sourceId, err: (err as Error).message }, "amqp consumer error");
          await this.health.set(describeAmqpError(err, this.where));
        }
      }
      await this.conn?.close().catch(() => undefined);
      this.conn = this.channel = undefined;
      if (!this.stopped) await Promise.race([this.stopSignal, new Promise((r) => setTimeout(r, this.opts.reconnectMs))]);
    }
  }

  private async consumeUntilClosed(): Promise<void> {
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
    await this.health.set(null);
    const err = await Promise.race([closed, this.stopSignal]);
    // Messages of a closed channel cannot be acknowledged any more: the broker has requeued them.
    this.buffer = this.buffer.filter((h) => h.channel !== ch);
    if (!this.stopped) throw err ?? new Error(`connection closed by ${this.where}`);
  }

  /** Writes what is buffered, then acknowledges it; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow()).catch((err) => this.log.error({ sourceId: this.sourceId, err }, "amqp flush failed"));
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.buffer.length === 0) return;
    const held = this.buffer;
    this.buffer = [];
    let result;
    try {
      result = await storeMessages(
        this.sourceId,
        this.config.mapping,
        held.map((h) => ({ origin: { what: "routing key", name: h.msg.fields.routingKey, separator: "." }, payload: h.msg.content, receivedAt: messageTime(h.msg, h.receivedAt) })),
      );
    } catch (err) {
      // Still unacknowledged (prefetch stops more from coming): retried on the next tick.
      this.buffer = held.concat(this.buffer);
      await this.health.set(`could not store AMQP messages (${held.length} held unacknowledged): ${(err as Error).message}`);
      throw err;
    }
    held.forEach((h, i) => {
      try {
        if (result.good[i]) h.channel.ack(h.msg);
        else h.channel.nack(h.msg, false, false);
      } catch {
        // The channel closed after the commit: the broker redelivers, and the rewrite changes nothing.
      }
    });
    this.written += result.accepted;
    await this.health.set(result.problem);
  }

  /** Stops receiving, writes and acknowledges what is held, and disconnects. */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.channel && this.consumerTag) await this.channel.cancel(this.consumerTag).catch(() => undefined);
    await this.flush();
    this.signalStop();
    await this.running;
  }
}

function describeAmqpError(err: unknown, where: string): string {
  const message = (err as Error)?.message ?? String(err);
  if (/NOT_FOUND - no queue/.test(message)) return `queue not found: ${where}`;
  if (/NOT_FOUND - no exchange/.test(message)) return `exchange ${/'([^']+)'/.exec(message)?.[1] ?? ""} not found: ${where}`;
  if (/ACCESS_REFUSED/.test(message)) return `login refused by ${where} (check the user and password in the URL)`;
  return describeNetworkError(err, where);
}
