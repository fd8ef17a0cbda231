/**
 * Detection work is queued per (detector, shard), not per (detector, series): a shard is the first
 * hex digit of md5(seriesId), so there are exactly 16, computed the same way here and in SQL
 * (`shardOf` and `SHARD_SQL`). An ingest of 1,000 series rings at most 16 doorbells per detector,
 * and at most 16 jobs of one detector run at once (one per shard), spread over all workers.
 */
import { createHash } from "node:crypto";

export const DETECT_SHARDS = 16;

export function shardOf(seriesId: string): number {
  return parseInt(createHash("md5").update(seriesId).digest("hex")[0], 16);
}

/** The same digit as `shardOf`, as a hex character, for `substr(md5("seriesId"), 1, 1) = $1`. */
export const shardDigit = (shard: number): string => shard.toString(16);
