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

/** The source's status and last error as a consumer sees them; written only when the text changes. */
export class SourceHealth {
  private shown: string | null | undefined;

  constructor(
    private readonly sourceId: string,
    private readonly kind: "MQTT" | "NATS" | "AMQP",
    private readonly log: Logger,
  ) {}

  /** Every problem is counted (metrics); the database is written when the shown text changes. */
  async set(error: string | null): Promise<void> {
    if (error !== null) countSourceError(this.kind, "subscription");
    if (this.shown === error) return;
    this.shown = error;
    await markSourceHealth(this.sourceId, error).catch((err) => this.log.warn({ sourceId: this.sourceId, err }, "could not record source health"));
  }
}
