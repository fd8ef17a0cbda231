/**
 * The detection path's point reads against real PostgreSQL, exact bit for bit: special float8
 * values, millisecond times on both sides of 1970 and 2000, time order, limits and empty pages,
 * for series and for a group's aligned steps.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { readBatch } from "@/lib/pipeline/batch-read";
import { readPointsAfter, readPointsBefore } from "@/lib/server/queries/detector-state";
import { readStepsAfter, readStepsBefore, type Subject } from "@/lib/server/queries/subject-points";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

const VALUES = [NaN, -0, 0, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308, 0.1 + 0.2, 1 / 3, -123456789.00000001, 9007199254740993, 1e-300];
const TIMES = [
  Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(1970, 0, 1, 0, 0, 0, 1), Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 0, 1),
  Date.UTC(2000, 0, 1, 0, 0, 0, 1), Date.UTC(2026, 0, 5, 0, 0, 0, 7), Date.UTC(2026, 0, 5, 0, 0, 0, 8), Date.UTC(2026, 0, 5, 0, 0, 1, 999),
  Date.UTC(2026, 1, 28, 23, 59, 59, 999), Date.UTC(2026, 2, 1), Date.UTC(2030, 5, 15, 12, 0, 0, 123), Date.UTC(2099, 11, 31, 23, 59, 59, 999),
  Date.UTC(2200, 0, 1, 0, 0, 0, 5), Date.UTC(2262, 3, 11, 23, 47, 16, 854),
];
const literal = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v.toPrecision(17));

/** A series with the points (TIMES[i], VALUES[i]) inserted out of order through plain SQL literals. */
async function seriesWithPoints() {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: `packed-${Math.random()}`, kind: "HTTP_PUSH" } });
  const series = await prisma.series.create({ data: { sourceId: source.id, metric: "packed" } });
  const order = TIMES.map((_, i) => i).reverse();
  await getPgPool().query(
    `INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT $1, t, v::float8 FROM unnest($2::timestamptz[], $3::text[]) AS u(t, v)`,
    [series.key, order.map((i) => new Date(TIMES[i])), order.map((i) => literal(VALUES[i]))],
  );
  const empty = await prisma.series.create({ data: { sourceId: source.id, metric: "empty" } });
  return { seriesId: series.id, emptyId: empty.id, sourceId: source.id };
}

function expectExact(got: { ts: Date; value: number }[], from: number, to: number) {
  expect(got.map((p) => p.ts.getTime())).toEqual(TIMES.slice(from, to));
  got.forEach((p, i) => expect(Object.is(p.value, VALUES[from + i]), `value ${from + i}: ${p.value}`).toBe(true));
}

describe("packed point reads", () => {
  it("readPointsAfter and readPointsBefore return every point exactly, in time order, within their bounds", async () => {
    const { seriesId, emptyId } = await seriesWithPoints();
    expectExact((await readPointsAfter(seriesId, null, 100)).points, 0, TIMES.length);
    expectExact((await readPointsAfter(seriesId, new Date(TIMES[2]), 5)).points, 3, 8);
    expectExact((await readPointsAfter(seriesId, new Date(TIMES[2]), 100, new Date(TIMES[9]))).points, 3, 10);
    expectExact(await readPointsBefore(seriesId, new Date(TIMES[9]), 4), 5, 9);
    expectExact(await readPointsBefore(seriesId, new Date(TIMES.at(-1)! + 1), 100), 0, TIMES.length);
    expect((await readPointsAfter(seriesId, new Date(TIMES.at(-1)!), 10)).points).toEqual([]);
    expect(await readPointsBefore(seriesId, new Date(TIMES[0]), 10)).toEqual([]);
    expect((await readPointsAfter(emptyId, null, 10)).points).toEqual([]);
    expect((await readPointsAfter("no-such-series", null, 10)).points).toEqual([]);
  });

  it("readBatch returns each series' first points past its watermark exactly, and none for an empty series", async () => {
    const { seriesId, emptyId } = await seriesWithPoints();
    const prisma = getPrisma();
    const detector = await prisma.detector.create({ data: { name: `packed-${Math.random()}`, algorithm: "zscore", series: { create: [{ seriesId }, { seriesId: emptyId }] } } });
    const first = await readBatch(detector.id, { seriesIds: [seriesId, emptyId] }, 6);
    const byId = new Map(first.map((r) => [r.seriesId, r]));
    expect(byId.get(emptyId)).toMatchObject({ ms: [], values: [], watermark: null });
    const row = byId.get(seriesId)!;
    expectExact(row.ms.map((t, i) => ({ ts: new Date(t), value: row.values[i] })), 0, 6);

    await prisma.detectorState.create({ data: { detectorId: detector.id, subjectId: seriesId, watermark: new Date(TIMES[6]) } });
    const [next] = await readBatch(detector.id, { seriesIds: [seriesId] }, 100);
    expectExact(next.ms.map((t, i) => ({ ts: new Date(t), value: next.values[i] })), 7, TIMES.length);
  });

  it("a group's steps carry each member's values exactly (the group reads)", async () => {
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: `packed-g-${Math.random()}`, kind: "HTTP_PUSH" } });
    const members = [await prisma.series.create({ data: { sourceId: source.id, metric: "a" } }), await prisma.series.create({ data: { sourceId: source.id, metric: "b" } })];
    const t0 = Date.UTC(2026, 0, 5);
    const times = VALUES.map((_, i) => new Date(t0 + i * 60_000 + 59_999));
    const columns = [VALUES, [...VALUES].reverse()];
    for (const [m, s] of members.entries()) {
      await getPgPool().query(`INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT $1, t, v::float8 FROM unnest($2::timestamptz[], $3::text[]) AS u(t, v)`, [s.key, [...times].reverse(), [...columns[m]].reverse().map(literal)]);
    }
    const subject: Subject = { id: "g", groupId: "g", members: members.map((m) => m.id), grouping: { seriesIds: members.map((m) => m.id), stepSeconds: 60, aggregate: "last", missing: "impute" } };
    const expectSteps = (steps: { ts: Date; values: number[] }[], from: number, to: number) => {
      expect(steps.map((st) => st.ts.getTime())).toEqual(times.slice(from, to).map((t) => t.getTime() - 59_999));
      steps.forEach((st, i) => st.values.forEach((v, m) => expect(Object.is(v, columns[m][from + i]), `step ${from + i} member ${m}: ${v}`).toBe(true)));
    };
    const page = await readStepsAfter(subject, null, 1000, times.at(-1));
    expect(page.points).toBe(2 * VALUES.length);
    expectSteps(page.steps, 0, VALUES.length);
    expectSteps((await readStepsAfter(subject, times[3], 1000, times.at(-1))).steps, 4, VALUES.length);
    expectSteps(await readStepsBefore(subject, new Date(times[9].getTime() + 1), 8), 6, 10);
  });
});
