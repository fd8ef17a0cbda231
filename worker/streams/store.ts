/**
 * Shared by the broker consumers that acknowledge (NATS JetStream, AMQP): turn a buffer of messages
 * into one ingest write, and keep the source's shown health in line with what happened.
 * The caller acknowledges only after `storeMessages` returned: the points are committed by then.
 */
import type { Logger } from "pino";
import { IngestBatch } from "@/lib/ingest/batch";
import { writeBatch } from "@/lib/ingest/write";
import { afterPointsWritten } from "@/lib/ingest/after-write";
import { countSourceError } from "@/lib/metrics/record";
import { markSourceHealth } from "@/lib/connectors/queries";
import { addMessage, type MessageOrigin, type TMessageMapping } from "@/lib/connectors/message-payload";

export interface StreamMessage {
  origin: MessageOrigin;
  payload: Uint8Array;
  receivedAt: number;
}

export interface StoreResult {
  /** Per message: it gave a point (now committed), or it was bad and will never give one. */
  good: boolean[];
  accepted: number;
  /** The first problem of the bad messages, for the source's shown error. */
  problem: string | null;
}

/** Writes the good messages' points in one transaction (throws when the database refuses). */
export async function storeMessages(sourceId: string, mapping: TMessageMapping, messages: StreamMessage[]): Promise<StoreResult> {
  const batch = new IngestBatch();
  const good = messages.map((m) => addMessage(batch, mapping, m.origin, m.payload, m.receivedAt));
  let accepted = 0;
  if (batch.points > 0) {
    const result = await writeBatch(sourceId, null, [...batch.series.values()]);
    accepted = result.accepted;
    await afterPointsWritten(result.changedSeriesIds);
  }
  const bad = good.filter((g) => !g).length;
  const [first] = batch.issues;
  return { good, accepted, problem: bad && first ? `${bad} bad message(s) in the last batch; ${first.path}: ${first.message}` : null };
}

/**
 * The source's status and last error as a consumer sees them. The connection's state and the last
 * batch's outcome are kept apart and the connection's problem is shown first: a batch stored during
 * an outage (from messages received before it) must not show the source healthy while the broker is
 * away. Written only when the shown text changes, in the order the changes happened.
 */
export class SourceHealth {
  private connectionError: string | null = null;
  private batchError: string | null = null;
  private shown: string | null | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sourceId: string,
    private readonly kind: "MQTT" | "NATS" | "AMQP",
    private readonly log: Logger,
  ) {}

  /** The connection's problem (refused, lost, stream missing), or null once consuming again. */
  connection(error: string | null): Promise<void> {
    this.connectionError = error;
    return this.show(error);
  }

  /** The last batch's problem (bad messages, a failed write), or null when it was stored whole. */
  batch(error: string | null): Promise<void> {
    this.batchError = error;
    return this.show(error);
  }

  /** Every problem is counted (metrics); the database is written when the shown text changes. */
  private show(reported: string | null): Promise<void> {
    if (reported !== null) countSourceError(this.kind, "subscription");
    const text = this.connectionError ?? this.batchError;
    if (this.shown === text) return this.writing;
    this.shown = text;
    this.writing = this.writing.then(() => markSourceHealth(this.sourceId, text).catch((err) => this.log.warn({ sourceId: this.sourceId, err }, "could not record source health")));
    return this.writing;
  }
}
