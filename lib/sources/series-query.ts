/**
 * The query and answer of GET /api/v1/sources/[id]/series: keyset pages over a source's series in
 * (metric, labelsKey, id) order. The cursor is opaque to clients: base64url of that triple.
 */
import { z } from "zod";

export const SERIES_PAGE_DEFAULT = 50;
export const SERIES_PAGE_MAX = 500;

export interface SeriesCursor {
  metric: string;
  labelsKey: string;
  id: string;
}

export function encodeSeriesCursor(c: SeriesCursor): string {
  return Buffer.from(JSON.stringify([c.metric, c.labelsKey, c.id]), "utf8").toString("base64url");
}

/** The cursor, or null when the text is not one this API handed out. */
export function decodeSeriesCursor(text: string): SeriesCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === "string")) return null;
    return { metric: v[0], labelsKey: v[1], id: v[2] };
  } catch {
    return null;
  }
}

export const ZSourceSeriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(SERIES_PAGE_MAX).default(SERIES_PAGE_DEFAULT),
  cursor: z
    .string()
    .max(4_000)
    .optional()
    .transform((text, ctx) => {
      if (!text) return undefined;
      const cursor = decodeSeriesCursor(text);
      if (!cursor) {
        ctx.addIssue({ code: "custom", message: "is not a cursor from a previous page" });
        return z.NEVER;
      }
      return cursor;
    }),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((q) => q || undefined),
  /** `count=true` adds `total` (every series of the source); left out, nothing is counted. */
  count: z.stringbool({ error: "must be true or false" }).default(false),
});
export type TSourceSeriesQuery = z.infer<typeof ZSourceSeriesQuery>;
/** What the query function takes: the parsed query, or a caller's own first page. */
export type SourceSeriesQuery = { limit: number; cursor?: SeriesCursor; q?: string; count?: boolean };

export interface SourceSeriesRow {
  id: string;
  metric: string;
  labels: Record<string, string>;
  createdAt: string;
  /** The newest point, or null for a series with none yet. */
  lastTs: string | null;
  lastValue: number | null;
}

export interface SourceSeriesPage {
  items: SourceSeriesRow[];
  /** With `count=true` only: every series of the source, whatever `q` is. */
  total?: number;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** GET /api/v1/series: series of any source, each with its source. */
export interface SeriesListRow {
  id: string;
  metric: string;
  labels: Record<string, string>;
  unit: string | null;
  source: { id: string; name: string };
}

export interface SeriesListPage {
  items: SeriesListRow[];
  /** With `count=true` only: the series matching the sources and `q`. */
  total?: number;
  nextCursor: string | null;
}
