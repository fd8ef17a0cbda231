/**
 * A subject's stored points as the steps a detector scores: for a series, each point is a step
 * with one value; for a group (lib/detectors/grouping.ts), its members' points aligned to steps
 * (lib/pipeline/align.ts). The one reader behind detect runs, replays, training and backfill, so
 * groups go through the same pipeline as series.
 *
 * A group's step is scored once it is closed: every member has a point at or after its end (a
 * member more than MAX_LAG_STEPS behind the newest one no longer holds the group back; its missing
 * steps are imputed or skipped). A group's watermark is the last instant of its last scored step,
 * so a point at or before it is late and re-detected through the usual rewind.
 */
import type { Grouping } from "@/lib/detectors/grouping";
import { alignSteps, stepStart, type MemberPoint } from "@/lib/pipeline/align";
import { getPgPool } from "@/lib/server/pg-pool";
import { readPointsAfter, readPointsBefore } from "@/lib/server/queries/detector-state";

export interface Subject {
  id: string;
  /** The SeriesGroup, or null for a series. */
  groupId: string | null;
  /** Series in vector order (one for a series). */
  members: string[];
  grouping: Grouping | null;
}

export interface Step {
  ts: Date;
  values: number[];
}

export interface StepPage {
  steps: Step[];
  /** Stored points the page covers: what the commit's count check compares with. */
  points: number;
  /** The position after the page (null: nothing read). */
  upTo: Date | null;
  /** More may follow right away. */
  full: boolean;
}

/** A member this many steps behind the newest stops holding its group's steps open. */
export const MAX_LAG_STEPS = 10;

export const seriesSubject = (seriesId: string): Subject => ({ id: seriesId, groupId: null, members: [seriesId], grouping: null });

const MS = `round(extract(epoch from ts) * 1000)::float8`;

/** Steps after `after` (exclusive) up to `until` (inclusive), about `limit` points' worth. */
export async function readStepsAfter(subject: Subject, after: Date | null, limit: number, until?: Date): Promise<StepPage> {
  if (!subject.grouping) {
    const rows = await readPointsAfter(subject.members[0], after, limit, until);
    return { steps: rows.map((p) => ({ ts: p.ts, values: [p.value] })), points: rows.length, upTo: rows.at(-1)?.ts ?? null, full: rows.length === limit };
  }
  const g = subject.grouping;
  const stepMs = g.stepSeconds * 1000;
  // Per member: its newest point and its first point after `after` (primary-key probes).
  const { rows } = await getPgPool().query<[number | null, number | null]>({
    text: `SELECT (SELECT ${MS} FROM "DataPoint" WHERE "seriesId" = m ORDER BY ts DESC LIMIT 1),
                  (SELECT ${MS} FROM "DataPoint" WHERE "seriesId" = m AND ($2::timestamptz IS NULL OR ts > $2) ORDER BY ts LIMIT 1)
           FROM unnest($1::text[]) WITH ORDINALITY AS v(m, i) ORDER BY i`,
    values: [subject.members, after],
    rowMode: "array",
  });
  const firsts = rows.map((r) => r[1]).filter((x): x is number => x !== null);
  if (firsts.length === 0) return { steps: [], points: 0, upTo: null, full: false };
  let closedBefore: number;
  if (until) closedBefore = until.getTime() + 1;
  else {
    const latest = rows.map((r) => r[0]).filter((x): x is number => x !== null).map((t) => stepStart(t, stepMs));
    const newest = Math.max(...latest);
    closedBefore = Math.min(...latest.filter((b) => b >= newest - MAX_LAG_STEPS * stepMs));
  }
  const start = stepStart(Math.min(...firsts), stepMs);
  const stepsPerPage = Math.max(1, Math.floor(limit / subject.members.length));
  const end = Math.min(closedBefore, start + stepsPerPage * stepMs);
  if (start >= end) return { steps: [], points: 0, upTo: null, full: false };
  return readGroupRange(subject, after, end, g);
}

/** The last steps before `before` (exclusive; a watermark + 1 ms for a group), about `limit` points' worth, in time order. */
export async function readStepsBefore(subject: Subject, before: Date, limit: number): Promise<Step[]> {
  if (!subject.grouping) {
    const rows = await readPointsBefore(subject.members[0], before, limit);
    return rows.map((p) => ({ ts: p.ts, values: [p.value] }));
  }
  const stepMs = subject.grouping.stepSeconds * 1000;
  const end = stepStart(before.getTime(), stepMs);
  const from = end - Math.max(1, Math.floor(limit / subject.members.length)) * stepMs;
  return (await readGroupRange(subject, new Date(from - 1), end, subject.grouping)).steps;
}

/** Members' points in (after, end), aligned; `before` values are each member's last point at or before `after`. */
async function readGroupRange(subject: Subject, after: Date | null, end: number, g: Grouping): Promise<StepPage> {
  const { rows } = await getPgPool().query<[number, number, number]>({
    text: `SELECT v.i::int, ${MS}, p.value
           FROM unnest($1::text[]) WITH ORDINALITY AS v(m, i)
           CROSS JOIN LATERAL (
             (SELECT ts, value FROM "DataPoint" WHERE "seriesId" = v.m AND $2::timestamptz IS NOT NULL AND ts <= $2 ORDER BY ts DESC LIMIT 1)
             UNION ALL
             (SELECT ts, value FROM "DataPoint" WHERE "seriesId" = v.m AND ($2::timestamptz IS NULL OR ts > $2) AND ts < $3 ORDER BY ts)
           ) p
           ORDER BY v.i, p.ts`,
    values: [subject.members, after, new Date(end)],
    rowMode: "array",
  });
  const points: MemberPoint[][] = subject.members.map(() => []);
  const before: (number | null)[] = subject.members.map(() => null);
  const afterMs = after?.getTime() ?? -Infinity;
  let n = 0;
  for (const [i, t, value] of rows) {
    if (t <= afterMs) before[i - 1] = value;
    else {
      points[i - 1].push({ t, value });
      n++;
    }
  }
  const steps = alignSteps(points, before, g).map((s) => ({ ts: new Date(s.t), values: s.values }));
  return { steps, points: n, upTo: new Date(end - 1), full: true };
}
