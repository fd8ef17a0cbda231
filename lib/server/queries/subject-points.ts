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
import { packPoints, unpackPoints } from "@/lib/server/queries/packed-points";
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
  /**
   * The snapshot the page's points were read with (`pg_current_snapshot()` of the reading
   * statement, as text): a write whose transaction is visible in it is in the page. null: not known.
   */
  seen: string | null;
}

/** A member this many steps behind the newest stops holding its group's steps open. */
export const MAX_LAG_STEPS = 10;

export const seriesSubject = (seriesId: string): Subject => ({ id: seriesId, groupId: null, members: [seriesId], grouping: null });

/** A point's time in epoch ms, float8 (as MS in detector-state.ts: exact for millisecond timestamps, cheaper than numeric). */
const MS = `round(date_part('epoch', ts) * 1000)`;

/** Steps after `after` (exclusive) up to `until` (inclusive), about `limit` points' worth. */
export async function readStepsAfter(subject: Subject, after: Date | null, limit: number, until?: Date): Promise<StepPage> {
  if (!subject.grouping) {
    const { points: rows, seen } = await readPointsAfter(subject.members[0], after, limit, until);
    return { steps: rows.map((p) => ({ ts: p.ts, values: [p.value] })), points: rows.length, upTo: rows.at(-1)?.ts ?? null, full: rows.length === limit, seen };
  }
  return (await readGroupsStepsAfter([{ subject, after }], limit, until))[0];
}

const NOTHING: StepPage = { steps: [], points: 0, upTo: null, full: false, seen: null };

/**
 * `readStepsAfter` for many groups at once (the detect batch): two statements whatever their
 * number. Per group, about `limit` points' worth of its closed steps after `after`; `full` when
 * more closed steps follow. The pages' `seen` is the first statement's snapshot: the older one, in
 * which the range was chosen (a write committed between the two is read but did not close steps:
 * it brought back a lagging member an undisturbed run would wait for, so it is not "seen").
 */
export async function readGroupsStepsAfter(groups: readonly { subject: Subject; after: Date | null }[], limit: number, until?: Date): Promise<StepPage[]> {
  const flat = groups.flatMap((g, k) => g.subject.members.map((m) => ({ k, m, after: g.after })));
  if (flat.length === 0) return [];
  // Per member: its newest point and its first point after its group's `after` (primary-key probes).
  const { rows } = await getPgPool().query<[number, number | null, number | null, string]>({
    text: `SELECT v.k::int,
                  (SELECT ${MS} FROM "DataPoint" WHERE "seriesKey" = v.m ORDER BY ts DESC LIMIT 1),
                  (SELECT ${MS} FROM "DataPoint" WHERE "seriesKey" = v.m AND ts > COALESCE(v.after, '-infinity'::timestamptz) ORDER BY ts LIMIT 1),
                  (SELECT pg_current_snapshot()::text)
           FROM (SELECT u.k, s.key AS m, u.after, u.i FROM unnest($1::int[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS u(k, id, after, i)
                 LEFT JOIN "Series" s ON s.id = u.id) v ORDER BY v.i`,
    values: [flat.map((f) => f.k), flat.map((f) => f.m), flat.map((f) => f.after)],
    rowMode: "array",
  });
  const byGroup = groups.map((): (typeof rows)[number][] => []);
  for (const r of rows) byGroup[r[0]].push(r);
  const ranges = groups.map((g, k) => {
    const own = byGroup[k];
    const stepMs = g.subject.grouping!.stepSeconds * 1000;
    const firsts = own.map((r) => r[2]).filter((x): x is number => x !== null);
    if (firsts.length === 0) return null;
    let closedBefore: number;
    if (until) closedBefore = until.getTime() + 1;
    else {
      const latest = own.map((r) => r[1]).filter((x): x is number => x !== null).map((t) => stepStart(t, stepMs));
      const newest = Math.max(...latest);
      closedBefore = Math.min(...latest.filter((b) => b >= newest - MAX_LAG_STEPS * stepMs));
    }
    const start = stepStart(Math.min(...firsts), stepMs);
    const stepsPerPage = Math.max(1, Math.floor(limit / g.subject.members.length));
    const end = Math.min(closedBefore, start + stepsPerPage * stepMs);
    return start < end ? { subject: g.subject, after: g.after, end, full: end < closedBefore } : null;
  });
  const chosen = rows[0]?.[3] ?? null;
  const read = await readGroupRanges(ranges.filter((r) => r !== null));
  let i = 0;
  return ranges.map((r) => (r ? { ...read[i++], full: r.full, seen: chosen } : NOTHING));
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
  return (await readGroupRanges([{ subject, after: new Date(from - 1), end }]))[0].steps;
}

/**
 * Per group: its members' points in (after, end), aligned; each member's last point at or before
 * `after` is its value to impute from. One statement for all the groups. `seen` is left unknown:
 * the range was chosen before this read, and `readGroupsStepsAfter` records the snapshot it chose it in.
 */
async function readGroupRanges(ranges: readonly { subject: Subject; after: Date | null; end: number }[]): Promise<StepPage[]> {
  if (ranges.length === 0) return [];
  const flat = ranges.flatMap((r, k) => r.subject.members.map((m, j) => ({ k, j, m, after: r.after, end: new Date(r.end) })));
  const { rows } = await getPgPool().query<[number, number, Buffer | null]>({
    text: `SELECT v.k::int, v.j::int, p.packed
           FROM (SELECT u.k, u.j, s.key AS m, u.after, u.e FROM unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[]) AS u(k, j, id, after, e)
                 LEFT JOIN "Series" s ON s.id = u.id) v
           CROSS JOIN LATERAL (
             SELECT ${packPoints("q.ts", "q.value")} AS packed FROM (
               (SELECT ts, value FROM "DataPoint" WHERE "seriesKey" = v.m AND v.after IS NOT NULL AND ts <= v.after ORDER BY ts DESC LIMIT 1)
               UNION ALL
               (SELECT ts, value FROM "DataPoint" WHERE "seriesKey" = v.m AND ts > COALESCE(v.after, '-infinity'::timestamptz) AND ts < v.e ORDER BY ts)
             ) q
           ) p`,
    values: [flat.map((f) => f.k), flat.map((f) => f.j), flat.map((f) => f.m), flat.map((f) => f.after), flat.map((f) => f.end)],
    rowMode: "array",
  });
  const points = ranges.map((r) => r.subject.members.map((): MemberPoint[] => []));
  const before = ranges.map((r) => r.subject.members.map((): number | null => null));
  const counts = ranges.map(() => 0);
  for (const [k, j, packed] of rows) {
    const { ms, values } = unpackPoints(packed);
    const after = ranges[k].after?.getTime() ?? -Infinity;
    for (let i = 0; i < ms.length; i++) {
      if (ms[i] <= after) before[k][j] = values[i];
      else {
        points[k][j].push({ t: ms[i], value: values[i] });
        counts[k]++;
      }
    }
  }
  return ranges.map((r, k) => ({
    steps: alignSteps(points[k], before[k], r.subject.grouping!).map((s) => ({ ts: new Date(s.t), values: s.values })),
    points: counts[k],
    upTo: new Date(r.end - 1),
    full: true,
    seen: null,
  }));
}
