/**
 * Times of AMQP messages that carry no time of their own (no time in the payload's mapping, no
 * `timestamp` property): their point is stored at the time they were received, which a redelivery
 * would change, storing the point twice. When the publisher sets a `messageId`, the first receipt's
 * time is recorded under (source, message id) before the point is written, and a redelivered
 * message takes the recorded time, so the rewrite changes nothing. Only a message the broker marks
 * `redelivered` reads the record: a publisher that reuses ids for new messages still gets each new
 * message's own time. Records are kept `MESSAGE_TIME_DAYS` days (pruned by the retention job).
 */
import { getPgPool } from "@/lib/server/pg-pool";

export const MESSAGE_TIME_DAYS = 7;

export interface MessageReceipt {
  messageId: string;
  receivedAt: number;
  redelivered: boolean;
}

/**
 * Returns, per receipt, the time to store its point at (epoch ms): the first receipt's for a
 * redelivered message whose id was recorded, else its own (now recorded).
 */
export async function resolveMessageTimes(sourceId: string, receipts: MessageReceipt[]): Promise<number[]> {
  const out = receipts.map((r) => r.receivedAt);
  const pool = getPgPool();
  const record = async (redelivered: boolean) => {
    // One row per id (a statement cannot touch a row twice); the first receipt of the batch counts.
    const first = new Map<string, number>();
    receipts.forEach((r) => r.redelivered === redelivered && !first.has(r.messageId) && first.set(r.messageId, r.receivedAt));
    if (first.size === 0) return new Map<string, number>();
    // A first delivery overwrites (a reused id starts over); a redelivery keeps what is recorded.
    const { rows } = await pool.query<{ messageId: string; ms: number }>(
      `INSERT INTO "StreamMessageTime" ("sourceId", "messageId", "receivedAt")
       SELECT $1, id, to_timestamp(ms / 1000.0) FROM unnest($2::text[], $3::float8[]) AS v(id, ms)
       ORDER BY id
       ON CONFLICT ("sourceId", "messageId") DO UPDATE SET "receivedAt" = ${redelivered ? `"StreamMessageTime"."receivedAt"` : `EXCLUDED."receivedAt"`}
       RETURNING "messageId", round(extract(epoch from "receivedAt") * 1000)::float8 AS ms`,
      [sourceId, [...first.keys()], [...first.values()]],
    );
    return new Map(rows.map((r) => [r.messageId, r.ms]));
  };
  const fresh = await record(false);
  const again = await record(true);
  receipts.forEach((r, i) => (out[i] = (r.redelivered ? again : fresh).get(r.messageId) ?? out[i]));
  return out;
}

/** Deletes records older than MESSAGE_TIME_DAYS; returns how many. */
export async function pruneMessageTimes(now = Date.now()): Promise<number> {
  const r = await getPgPool().query(`DELETE FROM "StreamMessageTime" WHERE "receivedAt" < $1`, [new Date(now - MESSAGE_TIME_DAYS * 86_400_000)]);
  return r.rowCount ?? 0;
}
