/**
 * Bulk point writes: one multi-row statement per chunk through unnest() arrays, idempotent on
 * (series, ts): a re-sent point overwrites, never duplicates; within one call the last value for a
 * timestamp wins.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";

const CHUNK = 20_000;

export async function upsertPoints(
  seriesId: string,
  ts: Date[],
  values: number[],
  tx: Prisma.TransactionClient = getPrisma(),
): Promise<number> {
  if (ts.length !== values.length) throw new Error("upsertPoints: ts and values differ in length");
  let written = 0;
  for (let i = 0; i < ts.length; i += CHUNK) {
    const t = ts.slice(i, i + CHUNK);
    const v = values.slice(i, i + CHUNK);
    written += await tx.$executeRaw`
      INSERT INTO "DataPoint" ("seriesKey", ts, value)
      SELECT DISTINCT ON (u.ts) s.key, u.ts, u.value
      FROM unnest(${t}::timestamptz[], ${v}::float8[]) WITH ORDINALITY AS u(ts, value, ord)
      JOIN "Series" s ON s.id = ${seriesId}
      ORDER BY u.ts, u.ord DESC
      ON CONFLICT ("seriesKey", ts) DO UPDATE SET value = EXCLUDED.value`;
  }
  return written;
}

export function countPoints(seriesId: string): Promise<number> {
  return getPrisma().dataPoint.count({ where: { series: { id: seriesId } } });
}
