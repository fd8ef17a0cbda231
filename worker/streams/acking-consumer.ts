/**
 * What the broker consumers that acknowledge (NATS JetStream, AMQP) share: a connection loop that
 * reconnects after `reconnectMs` until closed, a buffer of received messages written every
 * `flushMs` or when a kind says it is full, flushes that never overlap, acknowledgement only after
 * the points are committed, and the source's shown health. A kind supplies how to connect and
 * consume, how a message becomes a point, and how to settle (ack/reject) or give back messages.
 */
import type { Logger } from "pino";
import type { TMessageMapping } from "@/lib/connectors/message-payload";
import { SourceHealth, storeMessages, type StreamMessage } from "@/worker/streams/store";
import type { ConsumerOptions, StreamConsumer } from "@/worker/streams/consumer";

export abstract class AckingConsumer<M> implements StreamConsumer {
  protected buffer: M[] = [];
  protected stopped = false;
  protected readonly health: SourceHealth;
  /** Resolves once `close` has stored and acknowledged what was held. */
  protected readonly stopSignal: Promise<undefined>;
  private signalStop!: () => void;
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  written = 0;

  constructor(
    readonly sourceId: string,
    readonly fingerprint: string,
    private readonly kind: "NATS" | "AMQP",
    private readonly mapping: TMessageMapping,
    protected readonly opts: ConsumerOptions,
    protected readonly log: Logger,
  ) {
    this.health = new SourceHealth(sourceId, kind, log);
    this.stopSignal = new Promise<undefined>((resolve) => (this.signalStop = () => resolve(undefined)));
  }

  /** Connects and consumes until the connection ends (returns or throws); a kind's whole session. */
  protected abstract consume(): Promise<void>;
  /** Closes what `consume` opened (called after it ended, and after the final flush when closing). */
  protected abstract disconnect(): Promise<void>;
  /** Stops the broker from sending more (first step of `close`). */
  protected abstract stopReceiving(): Promise<void>;
  protected abstract describeError(err: unknown): string;
  /** The held messages as points to store, in order (a kind may resolve them with one query). */
  protected abstract toStreamMessages(held: M[]): Promise<StreamMessage[]>;
  /** Acknowledges the good messages (their points are committed) and rejects the bad ones. */
  protected abstract settle(held: M[], good: boolean[]): Promise<void>;
  /** The write failed: returns what became of the held messages, for the shown error. */
  protected abstract giveBack(held: M[]): string;

  /** Subclasses call this at the end of their constructor, once their own fields are set. */
  protected start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flushMs);
    this.running = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consume();
      } catch (err) {
        if (!this.stopped) {
          this.log.warn({ sourceId: this.sourceId, err: (err as Error).message }, `${this.kind.toLowerCase()} consumer error`);
          await this.health.connection(this.describeError(err));
        }
      }
      // When closing, the connection stays open until what is held has been acknowledged on it.
      if (this.stopped) await this.stopSignal;
      await this.disconnect().catch(() => undefined);
      if (!this.stopped) await Promise.race([this.stopSignal, new Promise((r) => setTimeout(r, this.opts.reconnectMs))]);
    }
  }

  /** Writes what is buffered, then acknowledges it; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .then(() => this.flushNow())
      .catch((err) => this.log.error({ sourceId: this.sourceId, err }, `${this.kind.toLowerCase()} flush failed`));
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.buffer.length === 0) return;
    const held = this.buffer;
    this.buffer = [];
    let result;
    try {
      result = await storeMessages(this.sourceId, this.mapping, await this.toStreamMessages(held));
    } catch (err) {
      const what = this.giveBack(held);
      await this.health.batch(`could not store ${this.kind} messages (${held.length} ${what}): ${(err as Error).message}`);
      throw err;
    }
    await this.settle(held, result.good);
    this.written += result.accepted;
    await this.health.batch(result.problem);
  }

  /** Stops receiving, writes and acknowledges what is held, and disconnects. */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.stopReceiving().catch(() => undefined);
    await this.flush();
    this.signalStop();
    await this.running;
  }
}
